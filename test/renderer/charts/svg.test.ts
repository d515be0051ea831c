import { describe, expect, it } from 'vitest';
import { buildPanelsOption, type LineSeriesInput } from '../../../src-renderer/src/charts/curves';
import { legendRows, renderSvg, staticLayout } from '../../../src-renderer/src/charts/svg';
import { parseSvg } from '../svg-geometry';

const names = Array.from({ length: 12 }, (_, i) => `lr=0.0${i + 1} · bs=${16 << (i % 4)} (mean of 3 seeds)`);
const series: LineSeriesInput[] = names.map((name, i) => ({ key: name, name, color: '#2f6fde', points: [[1, i], [2, i + 1]] }));
const option = buildPanelsOption({ panels: [{ title: 'Loss', series }], columns: 1, xAxis: 'epoch', logY: false, sharedY: false });

describe('SVG pictures of a chart', () => {
  it('show the whole legend (a picture cannot scroll) and move the panels down by the rows it takes', () => {
    expect(legendRows(['a'], 1000)).toBe(1);
    const rows = legendRows(names, 800 - 16);
    expect(rows).toBeGreaterThan(1);
    const laid = staticLayout(option, 800);
    expect(laid.extra).toBe((rows - 1) * 22);
    expect((laid.option.legend as { type: string }).type).toBe('plain');
    expect((laid.option.grid as Array<{ top: number }>)[0].top).toBe((option.grid as Array<{ top: number }>)[0].top + laid.extra);
    const svg = renderSvg(option, 800, 320);
    expect(svg).toMatch(new RegExp(`height="${320 + laid.extra}"`));
    const texts = parseSvg(svg).texts.map((t) => t.text);
    for (const name of names) expect(texts).toContain(name);
  });

  it('leave charts without a scrolling legend as they are', () => {
    const plain = { series: [] };
    expect(staticLayout(plain, 800)).toEqual({ option: plain, extra: 0 });
  });
});
