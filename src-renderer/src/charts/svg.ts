/**
 * A chart option rendered to an SVG string with ECharts' server-side rendering: no DOM, so the same code
 * serves "Save as SVG" in the app and `epochlab report` in Node. Text in the SVG is XML-escaped by
 * ECharts (zrender's encodeHTML); attributes carry only our own colours and numbers.
 */
import { init } from 'echarts/core';
import type { EChartsOption } from 'echarts';
import './echarts';

export const SVG_WIDTH = 1100;

export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
