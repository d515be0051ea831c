/**
 * ECharts tooltips are HTML. Everything that reaches one from data (run labels, dataset and experiment
 * names, parameter values) goes through escapeHtml first (docs/reliability.md A4). Legends and axis labels are
 * drawn on canvas and need no escaping.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/** The colored dot ECharts puts before a tooltip line; the color is checked so it cannot carry markup. */
export function colorDot(color: unknown): string {
  const safe = typeof color === 'string' && /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\))$/i.test(color) ? color : '#888';
  return `<span style="display:inline-block;margin-right:4px;border-radius:5px;width:9px;height:9px;background:${safe}"></span>`;
}
