/**
 * `npm run bench`: runs the sections (bench/sections), writes bench/results/<id>.json and <id>.md, and
 * prints the tables.
 *   --only training,…   run only these sections
 *   --quick             fewer and shorter runs (smoke test)
 *   --<key> <value>     passed to the sections (see each section's header)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './lib/paths';
import type { BenchOptions } from './lib/section';
import { SECTIONS } from './sections/all';

function parseArgs(argv: string[]): { only: string[] | null; quick: boolean; args: Record<string, string> } {
  const args: Record<string, string> = {};
  let only: string[] | null = null;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--')) args[a.slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
    else throw new Error(`unexpected argument ${a}`);
  }
  return { only, quick, args };
}


async function main(): Promise<void> {
  const { only, quick, args } = parseArgs(process.argv.slice(2));
  const unknown = (only ?? []).filter((id) => !SECTIONS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.id).join(', ')}`);
  const options: BenchOptions = { quick, args, log: (line) => process.stderr.write(`${line}\n`) };
  const dir = join(benchDir(), 'results');
  mkdirSync(dir, { recursive: true });
  for (const section of SECTIONS) {
    if (only && !only.includes(section.id)) continue;
    options.log(`== ${section.title}`);
    const result = await section.run(options);
    writeFileSync(join(dir, `${section.id}.json`), `${JSON.stringify(result.json, null, 2)}\n`);
    writeFileSync(join(dir, `${section.id}.md`), `${result.markdown.trimEnd()}\n`);
    process.stdout.write(`${result.markdown.trimEnd()}\n\n`);
    options.log(`   → ${join(dir, `${section.id}.json`)}, ${section.id}.md`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
