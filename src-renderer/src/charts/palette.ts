/** Series colors: distinguishable, stable by group order, readable on the light background. */
export const PALETTE = [
  '#2f6fde', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0c8599', '#a07a00', '#5c5f66',
  '#d6336c', '#1c7ed6', '#66a80f', '#f08c00', '#ae3ec9', '#0ca678', '#e03131', '#364fc7',
] as const;

export function colorAt(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Runs the study pruned: their status tag, their marks on the optimisation history. */
export const PRUNED_COLOR = '#8b5cf6';
