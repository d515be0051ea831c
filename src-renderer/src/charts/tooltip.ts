/** Tooltip formatters that build their HTML only from escaped text (ECharts tooltips are HTML). */
import { escapeHtml, colorDot } from './escape';

/** The part of ECharts' formatter params we read; anything else in there is ignored. */
export interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  name?: string;
  color?: unknown;
  value?: unknown;
  data?: unknown;
  axisValue?: unknown;
  dataIndex?: number;
}

export function asParams(params: unknown): TooltipParam[] {
  const list = Array.isArray(params) ? params : [params];
  return list.filter((p): p is TooltipParam => typeof p === 'object' && p !== null);
}

/** y of a `[x, y]` data point, or the value itself. */
export function yValue(value: unknown): number | null {
  const v = Array.isArray(value) ? value[1] : value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function tooltipLine(color: unknown, label: string, value: string): string {
  return `${colorDot(color)}${escapeHtml(label)}: <b>${escapeHtml(value)}</b>`;
}

export function tooltipTitle(text: string): string {
  return `<div style="font-weight:600;margin-bottom:2px">${escapeHtml(text)}</div>`;
}
