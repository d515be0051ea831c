/**
 * Static checks over the renderer's sources: user text can only be rendered as text (docs/reliability.md A4), the
 * page forbids inline script and eval, and the renderer reaches main-process code through the contract only.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, CSP_PLACEHOLDER, metaContentSecurityPolicy } from '../../src-main/contract/csp';
import { cspPlugin } from '../../scripts/vite-csp-plugin';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src-renderer');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|vue)$/.test(name) ? [path] : [];
  });
}
const sources = files(src).map((path) => ({ path, rel: relative(root, path), text: readFileSync(path, 'utf8') }));

describe('renderer sources', () => {
  it('are found', () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it('never render HTML from strings or evaluate code', () => {
    const banned = [/v-html/, /\binnerHTML\b/, /\bouterHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\s*\(/, /new Function\b/, /dangerouslyUseHTMLString/];
    const hits = sources.flatMap((f) => banned.filter((re) => re.test(f.text)).map((re) => `${f.rel}: ${re}`));
    expect(hits).toEqual([]);
  });

  it('reach outside src-renderer only through src/contract.ts, and never import electron or node', () => {
    const problems: string[] = [];
    for (const f of sources) {
      for (const m of f.text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (spec === 'electron' || spec.startsWith('node:')) problems.push(`${f.rel} imports ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f.path), spec);
        const inside = target.startsWith(src + '/') || target === src;
        if (!inside && f.rel !== join('src', 'contract.ts')) problems.push(`${f.rel} imports ${spec}`);
        if (!inside && f.rel === join('src', 'contract.ts') && !target.includes(join('src-main', 'contract'))) problems.push(`${f.rel} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('build tooltips only with escaping formatters (every ECharts tooltip in charts/ has a formatter)', () => {
    for (const f of sources.filter((s) => s.rel.startsWith(join('src', 'charts')) && /tooltip:\s*\{/.test(s.text))) {
      const tooltips = [...f.text.matchAll(/tooltip:\s*\{([^}]*)\}/g)].map((m) => m[1]);
      for (const body of tooltips) expect(`${f.rel}: ${body}`).toMatch(/formatter|show:\s*false/);
    }
  });
});

/** Modules that run in Node too (the CLI's report) and so must stay free of the DOM, Vue and the app's state. */
const PURE_DIRS = ['charts', 'compare', 'report'].map((d) => join('src', d));

describe('DOM-free modules (charts/, compare/, report/)', () => {
  const pure = sources.filter((f) => PURE_DIRS.some((d) => f.rel.startsWith(d + '/')));
  it('are found', () => {
    expect(pure.length).toBeGreaterThan(10);
  });
  it('import no Vue, no UI library, no store or component, and touch no window or document', () => {
    const problems: string[] = [];
    for (const f of pure) {
      for (const m of f.text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (/^(vue|pinia|naive-ui|vue-router|vue-echarts)(\/|$)/.test(spec) || spec.endsWith('.vue')) problems.push(`${f.rel} imports ${spec}`);
        if (spec.startsWith('.')) {
          const target = relative(src, resolve(dirname(f.path), spec));
          if (/^(stores|components|views|composables|api)\//.test(target)) problems.push(`${f.rel} imports ${spec}`);
        }
      }
      if (/\b(window|document|localStorage|navigator)\s*[.[]/.test(f.text)) problems.push(`${f.rel} touches the DOM`);
    }
    expect(problems).toEqual([]);
  });
});

describe('main-process code', () => {
  const main = resolve(root, '../src-main');
  const mainSources = files(main).map((path) => ({ path, rel: relative(main, path), text: readFileSync(path, 'utf8') }));
  it('reaches into src-renderer only from the CLI, and only for its DOM-free modules (the report)', () => {
    const problems: string[] = [];
    for (const f of mainSources) {
      for (const m of f.text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f.path), spec);
        if (!target.startsWith(root + '/')) continue;
        const inside = relative(root, target);
        if (!f.rel.startsWith('cli/') || !PURE_DIRS.some((d) => inside.startsWith(d + '/'))) problems.push(`${f.rel} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('index.html', () => {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  // What the build writes: the plugin both renderer builds use, run on the real file.
  const transform = cspPlugin().transformIndexHtml as { handler: (html: string) => string };
  const built = transform.handler(html);

  it('carries the one CSP of contract/csp.ts, written by the build, without inline script or eval', () => {
    expect(html).toContain(CSP_PLACEHOLDER);
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(built)?.[1] ?? '';
    expect(csp).toBe(metaContentSecurityPolicy());
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(directives['script-src']).not.toContain("'unsafe-inline'");
    // The meta tag is the header policy less what a meta tag cannot carry.
    expect(contentSecurityPolicy(undefined).split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ')).toBe(csp);
  });
  it('has no inline script', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe('');
    }
  });
});
