/**
 * A chart option rendered to an SVG string with ECharts' server-side rendering: no DOM, so the same code
 * serves "Save as SVG" in the app and `epochlab report` in Node. Text in the SVG is XML-escaped by
 * ECharts (zrender's encodeHTML); attributes carry only our own colours and numbers.
 */
import { init } from 'echarts/core';
import type { EChartsOption } from 'echarts';
import './echarts';

export const SVG_WIDTH = 1100;

const LEGEND_ROW = 22;
const LEGEND_ICON = 25 + 5;
const LEGEND_GAP = 10;
/** Average width of a character of the legend's 12 px sans-serif text (a little generous). */
const CHAR_WIDTH = 6.6;

/** Rows a plain legend needs at this width, laid out as ECharts does: items left to right, wrapping. */
export function legendRows(names: readonly string[], width: number): number {
  let rows = 1;
  let x = 0;
  for (const name of names) {
    const item = LEGEND_ICON + name.length * CHAR_WIDTH + LEGEND_GAP;
    if (x > 0 && x + item > width) {
      rows++;
      x = 0;
    }
    x += item;
  }
  return rows;
}

/**
 * A picture cannot scroll: the live chart's one-line scrolling legend becomes a full legend, and every
 * grid and panel title moves down by the rows it takes. Returns the option and the extra height.
 */
export function staticLayout(option: EChartsOption, width: number): { option: EChartsOption; extra: number } {
  const legend = option.legend as { type?: string; data?: string[]; left?: number; right?: number } | undefined;
  if (!legend || Array.isArray(legend) || legend.type !== 'scroll' || !legend.data) return { option, extra: 0 };
  const extra = (legendRows(legend.data, width - (legend.left ?? 0) - (legend.right ?? 0)) - 1) * LEGEND_ROW;
  const shift = <T>(items: unknown): T => (Array.isArray(items) ? items.map((g) => (typeof g?.top === 'number' ? { ...g, top: g.top + extra } : g)) : items) as T;
  return {
    option: { ...option, legend: { ...legend, type: 'plain' }, grid: shift(option.grid), title: shift(option.title) } as EChartsOption,
    extra,
  };
}

export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const laid = staticLayout(option, width);
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height: height + laid.extra });
  try {
    chart.setOption({ ...laid.option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
