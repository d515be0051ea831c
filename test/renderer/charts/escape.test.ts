import { describe, expect, it } from 'vitest';
import { colorDot, escapeHtml } from '../../../src-renderer/src/charts/escape';

describe('escapeHtml', () => {
  it('neutralises markup and template syntax from user text', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&\``)).toBe('&quot;&#39;&amp;&#96;');
    expect(escapeHtml(42)).toBe('42');
  });
  it('lets only plain colors into the dot style', () => {
    expect(colorDot('#2f6fde')).toContain('background:#2f6fde');
    expect(colorDot('red;background:url(x)')).toContain('background:#888');
    expect(colorDot({})).toContain('background:#888');
  });
});
