/**
 * A bench section measures one thing (training throughput, tracking overhead, grid scaling, store
 * ingest …) and returns its results as JSON plus one Markdown table; run.ts writes both to
 * bench/results/<id>.json and <id>.md. Add a section: write bench/sections/<id>.ts exporting a Section,
 * list it in bench/sections/all.ts.
 */
export interface BenchOptions {
  /** Fewer and shorter runs, for a smoke test of the bench itself. */
  quick: boolean;
  /** Free-form `--key value` arguments, for sections that take their own. */
  args: Record<string, string>;
  /** Lines of progress, to stderr. */
  log: (line: string) => void;
}

export interface SectionResult {
  /** Goes to bench/results/<id>.json as is. */
  json: unknown;
  /** Goes to bench/results/<id>.md and to stdout. */
  markdown: string;
}

export interface Section {
  id: string;
  title: string;
  run(options: BenchOptions): Promise<SectionResult>;
}
