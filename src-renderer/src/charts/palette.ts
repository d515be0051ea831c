/** Series colors: distinguishable, stable by group order, readable on the light background. */
export const PALETTE = [
  '#2f6fde', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#a07a00', '#5c5f66',
  '#d6336c', '#1c7ed6', '#66a80f', '#f08c00', '#ae3ec9', '#0ca678', '#e03131', '#364fc7',
] as const;

export function colorAt(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/**
 * The j-th of n shades of a colour, for the lines inside one group: from darker to lighter around the
 * colour itself, so that a group stays recognisable and its lines stay apart.
 */
export function shade(color: string, j: number, n: number): string {
  if (n <= 1 || !/^#[0-9a-f]{6}$/i.test(color)) return color;
  const t = -0.35 + (0.8 * j) / (n - 1); // −0.35 (darker) … +0.45 (lighter)
  const channel = (i: number) => {
    const c = Number.parseInt(color.slice(1 + 2 * i, 3 + 2 * i), 16);
    const mixed = t < 0 ? c * (1 + t) : c + (255 - c) * t;
    return Math.round(Math.min(255, Math.max(0, mixed))).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(1)}${channel(2)}`;
}
/** Runs the study pruned: their status tag, their marks on the optimisation history. */
export const PRUNED_COLOR = '#8b5cf6';
