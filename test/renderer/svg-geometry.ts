/**
 * Reads what an ECharts SVG (server-side rendered: "Save as SVG", reports) actually draws: band polygons,
 * line paths, tick labels; and maps pixels back to data through the tick labels, so tests can compare a
 * drawing with values they computed themselves.
 */
export interface SvgPolygon {
  points: Array<[number, number]>;
  fill: string;
  clip: string | null;
}
export interface SvgLine {
  points: Array<[number, number]>;
  stroke: string;
  width: number;
  opacity: number;
  clip: string | null;
}
export interface SvgText {
  text: string;
  x: number;
  y: number;
  anchor: string;
}

const attr = (tag: string, name: string): string | null => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? null;

/** Elements with the clip group they sit in (each panel's series are clipped to its grid). */
function* elements(svg: string): Generator<{ tag: string; body: string; clip: string | null }> {
  const re = /<g clip-path="url\(#([^)]+)\)">|<\/g>|<(path|polygon|text)\b([^>]*)>([^<]*)/g;
  const stack: Array<string | null> = [];
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    if (m[1]) stack.push(m[1]);
    else if (m[0] === '</g>') stack.pop();
    else yield { tag: `<${m[2]}${m[3]}>`, body: m[4], clip: stack.at(-1) ?? null };
  }
}

function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

export function parseSvg(svg: string): { polygons: SvgPolygon[]; lines: SvgLine[]; texts: SvgText[] } {
  const polygons: SvgPolygon[] = [];
  const lines: SvgLine[] = [];
  const texts: SvgText[] = [];
  for (const { tag, body, clip } of elements(svg)) {
    if (tag.startsWith('<polygon')) {
      const nums = (attr(tag, 'points') ?? '').trim().split(/[\s,]+/).map(Number);
      const points: Array<[number, number]> = [];
      for (let i = 0; i + 1 < nums.length; i += 2) points.push([nums[i], nums[i + 1]]);
      polygons.push({ points, fill: attr(tag, 'fill') ?? '', clip });
    } else if (tag.startsWith('<path')) {
      const stroke = attr(tag, 'stroke');
      if (!stroke || attr(tag, 'fill') !== 'none' || attr(tag, 'transform')) continue;
      lines.push({ points: pathPoints(attr(tag, 'd') ?? ''), stroke, width: Number(attr(tag, 'stroke-width') ?? 1), opacity: Number(attr(tag, 'stroke-opacity') ?? 1), clip });
    } else if (tag.startsWith('<text')) {
      const t = /translate\((-?[\d.]+)[ ,](-?[\d.]+)\)/.exec(attr(tag, 'transform') ?? '');
      texts.push({ text: decode(body), x: t ? Number(t[1]) : Number(attr(tag, 'x') ?? 0), y: t ? Number(t[2]) : Number(attr(tag, 'y') ?? 0), anchor: attr(tag, 'text-anchor') ?? '' });
    }
  }
  return { polygons, lines, texts };
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Ray casting, with points on the edge (within `tolerance` px) counted as inside. */
export function inside(point: [number, number], polygon: ReadonlyArray<[number, number]>, tolerance = 0.6): boolean {
  const [x, y] = point;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    const len = Math.hypot(xj - xi, yj - yi) || 1;
    const t = Math.max(0, Math.min(1, ((x - xi) * (xj - xi) + (y - yi) * (yj - yi)) / len ** 2));
    if (Math.hypot(x - (xi + t * (xj - xi)), y - (yi + t * (yj - yi))) <= tolerance) return true;
  }
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** Pixel → value along one axis, from its tick labels (linear, or log10 for a log axis). */
export function axisScale(ticks: ReadonlyArray<{ value: number; pixel: number }>, log: boolean): (pixel: number) => number {
  if (ticks.length < 2) throw new Error(`an axis needs two tick labels, got ${ticks.length}`);
  const v = (t: { value: number }) => (log ? Math.log10(t.value) : t.value);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  const slope = (v(b) - v(a)) / (b.pixel - a.pixel);
  return (pixel) => {
    const value = v(a) + (pixel - a.pixel) * slope;
    return log ? 10 ** value : value;
  };
}

/** The y tick labels of the panel whose labels sit left of x (the nearest column of right-aligned labels). */
export function yTicks(texts: readonly SvgText[], panelLeft: number): Array<{ value: number; pixel: number }> {
  const labels = texts.filter((t) => t.anchor === 'end' && t.x < panelLeft && Number.isFinite(Number(t.text)) && t.text.trim() !== '');
  const column = Math.max(...labels.map((t) => t.x));
  return labels.filter((t) => Math.abs(t.x - column) < 2).map((t) => ({ value: Number(t.text), pixel: t.y })).sort((p, q) => q.pixel - p.pixel);
}

/** The x tick labels between two x positions: the row of centred numeric labels that holds the most. */
export function xTicks(texts: readonly SvgText[], left: number, right: number): Array<{ value: number; pixel: number }> {
  const labels = texts.filter((t) => t.anchor === 'middle' && t.x >= left - 2 && t.x <= right + 2 && t.text.trim() !== '' && Number.isFinite(Number(t.text)));
  const rows = new Map<number, SvgText[]>();
  for (const t of labels) rows.set(Math.round(t.y), [...(rows.get(Math.round(t.y)) ?? []), t]);
  const row = [...rows.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return row.map((t) => ({ value: Number(t.text), pixel: t.x })).sort((p, q) => p.pixel - q.pixel);
}
