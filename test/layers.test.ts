/**
 * The rules of docs/architecture.md, checked on the sources: what may import what (nothing imports upward),
 * file names, index.ts only for re-export barrels, and validation in one place.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(repo, 'src-main');

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

type Layer = 'contract' | 'engine' | 'store' | 'services' | 'app' | 'server' | 'cli' | 'preload';
const layerOf = (path: string): Layer => relative(main, path).split(sep)[0] as Layer;

/** What each layer may import from src-main (its own folder always). */
const ALLOWED: Record<Layer, Layer[]> = {
  contract: [],
  engine: ['contract'],
  store: ['contract'],
  services: ['contract', 'engine', 'store'],
  app: ['contract', 'services'],
  server: ['contract', 'services'],
  // `epochlab serve` starts the server.
  cli: ['contract', 'services', 'server'],
  preload: ['contract'],
};
/**
 * A front door reaches the services through these only: the composition, the dispatcher, the data folder,
 * the one path-containment check, and the packaged-app smoke test (which drives the validated API itself).
 * None of them hands out the API's area modules, so no front door can call an implementation unvalidated.
 */
const FRONT_DOOR_SERVICES = [
  'services/create-services.ts', 'services/dispatch.ts', 'services/data-dir.ts', 'services/paths.ts',
  'services/smoke-test.ts', 'services/fuses.ts',
  // `epochlab worker`/`workers` are composition roots of their own: a remote worker opens no data folder.
  'services/remote/queue-worker.ts', 'services/remote/queue-status.ts', 'services/system.ts',
];

interface Import {
  from: string;
  spec: string;
  target: string | null;
  /** `import type`: erased at build time, so it is no dependency at run time. */
  typeOnly: boolean;
}

const sources = files(main, /\.ts$/).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const imports: Import[] = sources.flatMap(({ path, text }) =>
  [...text.matchAll(/^(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)].map((m) => {
    const spec = m[1] ?? m[2];
    const target = spec.startsWith('.') ? resolve(dirname(path), spec) : null;
    return { from: path, spec, target, typeOnly: /^(?:import|export)\s+type\s/.test(m[0]) };
  }),
);
const rel = (path: string) => relative(main, path);

describe('src-main layers', () => {
  it('are found', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(imports.length).toBeGreaterThan(300);
  });

  it('import nothing upward or sideways (contract ← engine/store ← services ← app/server/cli)', () => {
    const problems = imports.flatMap(({ from, spec, target, typeOnly }) => {
      if (target === null || !target.startsWith(main + sep)) return [];
      const own = layerOf(from);
      // The desktop adapts Electron's utility process to the pool's launcher interface: a type, nothing run.
      if (typeOnly && own === 'app' && layerOf(target) === 'engine') return [];
      const theirs = layerOf(target);
      return theirs === own || ALLOWED[own].includes(theirs) ? [] : [`${rel(from)} imports ${spec} (${own} → ${theirs})`];
    });
    expect(problems).toEqual([]);
  });

  it('reach the services from a front door only through create-services, dispatch and data-dir', () => {
    const problems = imports.flatMap(({ from, spec, target }) => {
      if (target === null || !['app', 'server', 'cli'].includes(layerOf(from)) || layerOf(target) !== 'services') return [];
      return FRONT_DOOR_SERVICES.some((allowed) => `${target}.ts`.endsWith(allowed)) ? [] : [`${rel(from)} imports ${spec}`];
    });
    expect(problems).toEqual([]);
  });

  it('keep Electron in the app and the preload, and Node out of the contract', () => {
    const electron = imports.filter((i) => i.spec === 'electron' && !['app', 'preload'].includes(layerOf(i.from))).map((i) => rel(i.from));
    expect(electron).toEqual([]);
    const node = imports.filter((i) => layerOf(i.from) === 'contract' && (i.spec.startsWith('node:') || i.spec === 'electron')).map((i) => `${rel(i.from)}: ${i.spec}`);
    expect(node).toEqual([]);
    const contractPackages = new Set(imports.filter((i) => layerOf(i.from) === 'contract' && i.target === null).map((i) => i.spec));
    expect([...contractPackages]).toEqual(['zod']);
  });

  it('validate API input in one place: the services’ API object (services/api.ts)', () => {
    // The contract defines it; one module calls it. The dispatcher and the front doors pass input on unparsed.
    const callers = sources.filter(({ text }) => /\bparseApiInput\(/.test(text)).map(({ path }) => rel(path));
    expect(callers).toEqual(['services/api.ts']);
  });
});

describe('file names', () => {
  const all = [...files(main, /\.(ts|vue)$/), ...files(join(repo, 'src-renderer', 'src'), /\.(ts|vue)$/), ...files(join(repo, 'test'), /\.(ts|vue)$/)];

  it('are kebab-case .ts (numbered migrations NNN_name.ts) and PascalCase .vue', () => {
    const bad = all.filter((path) => {
      const name = path.split(sep).pop()!;
      if (name.endsWith('.vue')) return !/^[A-Z][A-Za-z0-9]*\.vue$/.test(name);
      if (path.includes(`${sep}migrations${sep}`)) return !/^(\d{3}_[a-z0-9_]+|[a-z0-9]+(-[a-z0-9]+)*)(\.test)?\.ts$/.test(name);
      return !/^[a-z0-9]+(-[a-z0-9]+)*(\.(test|ui|d|config))?\.ts$/.test(name);
    });
    expect(bad.map((p) => relative(repo, p))).toEqual([]);
  });

  it('index.ts holds only re-exports (a barrel), never code', () => {
    const withCode = [...files(main, /^index\.ts$/), ...files(join(repo, 'src-renderer', 'src'), /^index\.ts$/)].filter((path) => {
      const code = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').split('\n').map((l) => l.trim()).filter(Boolean);
      return code.some((line) => !/^export\s+(\*|\{[^}]*\}|type\s+\{[^}]*\})(\s+as\s+\w+)?\s+from\s+['"][^'"]+['"];?$/.test(line));
    });
    expect(withCode.map((p) => relative(repo, p))).toEqual([]);
  });
});
