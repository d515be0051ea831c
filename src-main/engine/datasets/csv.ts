/**
 * CSV → feature matrix + class labels. Records are consumed one at a time (streamed from disk for imports),
 * and every refusal names the row, the line and the column.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse, type Options as ParseOptions } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { ImportSourceOf } from '../../contract/dataset-formats';
import { orderLabels, parseDecimal, tooManyClasses } from './classes';
import { GrowableArray } from './growable';
import type { NewImport } from './imported';
import { DatasetError, MAX_CLASSES } from './types';

export interface CsvOptions {
  /** Column name (needs a header) or 0-based index; by default a column named label/class/target/y, else the last. */
  labelColumn?: string | number;
  /** Forces the first row to be (or not be) a header; by default it is one if a feature cell is not a number. */
  header?: boolean;
}

export interface CsvTable {
  rows: number;
  featureNames: string[];
  labelName: string;
  hasHeader: boolean;
  x: Float32Array;
  y: Int32Array;
  classNames: string[];
}

const PARSE_OPTIONS: ParseOptions = {
  bom: true,
  info: true,
  relax_column_count: true,
  skip_empty_lines: true,
  // One record may not exceed this: a file without line breaks must not be buffered whole.
  max_record_size: 16 * 1024 * 1024,
};
const LABEL_NAMES = ['label', 'class', 'target', 'y'];
const FLOAT32_MAX = 3.4028234663852886e38;

const show = (cell: string) => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

class CsvTableBuilder {
  private columns = 0;
  private labelIndex = -1;
  private names: string[] = [];
  private hasHeader = false;
  private rows = 0;
  private readonly features: GrowableArray<Float32Array>;
  private readonly labels: GrowableArray<Int32Array>;
  private readonly labelIds = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly options: CsvOptions,
  ) {
    this.features = new GrowableArray((n) => new Float32Array(n), file);
    this.labels = new GrowableArray((n) => new Int32Array(n), file);
  }

  add(record: string[], line: number): void {
    // A line of only spaces is blank to a reader, though not to the CSV parser.
    if (record.length === 1 && record[0].trim() === '') return;
    if (this.columns === 0) {
      this.start(record);
      if (this.hasHeader) return;
    }
    this.rows++;
    const where = `${this.file}: row ${this.rows} (line ${line})`;
    if (record.length !== this.columns) {
      throw new DatasetError(`${where} has ${record.length} columns, expected ${this.columns} like the ${this.hasHeader ? 'header' : 'first row'}`);
    }
    for (let c = 0; c < this.columns; c++) {
      if (c === this.labelIndex) continue;
      const v = parseDecimal(record[c]);
      if (v === null || !Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) {
        const reason = v === null ? 'expected a finite number' : 'number out of 32-bit float range';
        // Text in a feature column often means the labels are not where they were looked for.
        const hint = v === null && this.options.labelColumn === undefined ? `; if this column holds the labels, choose it as the label column (index ${c})` : '';
        throw new DatasetError(`${where}, column ${c + 1} (${show(this.names[c])}): ${reason}, got ${show(record[c])}${hint}`);
      }
      this.features.push(v);
    }
    const label = record[this.labelIndex].trim();
    if (label === '') throw new DatasetError(`${where}, label column ${show(this.names[this.labelIndex])}: the label is empty`);
    let id = this.labelIds.get(label);
    if (id === undefined) {
      if (this.labelIds.size >= MAX_CLASSES) throw tooManyClasses(this.file, show(this.names[this.labelIndex]));
      id = this.labelIds.size;
      this.labelIds.set(label, id);
    }
    this.labels.push(id);
  }

  private start(first: string[]): void {
    if (first.length < 2) {
      throw new DatasetError(`${this.file}: the first row has ${first.length} column; a dataset needs feature columns and a label column (comma-separated)`);
    }
    this.columns = first.length;
    const { labelColumn, header } = this.options;
    if (typeof labelColumn === 'string' && header === false) {
      throw new DatasetError(`${this.file}: label column ${show(labelColumn)} is given by name, but the file is read without a header`);
    }
    const namedLabel = first.findIndex((cell) => LABEL_NAMES.includes(cell.trim().toLowerCase()));
    if (header !== undefined) this.hasHeader = header;
    else if (typeof labelColumn === 'string') this.hasHeader = true;
    else if (labelColumn === undefined && namedLabel >= 0) this.hasHeader = true;
    else {
      const labelGuess = typeof labelColumn === 'number' ? labelColumn : first.length - 1;
      this.hasHeader = first.some((cell, c) => c !== labelGuess && parseDecimal(cell) === null);
    }
    this.names = this.hasHeader ? first.map((n) => n.trim()) : first.map((_, c) => `column ${c + 1}`);
    this.labelIndex = this.resolveLabel(labelColumn, this.hasHeader ? namedLabel : -1);
  }

  private resolveLabel(labelColumn: string | number | undefined, namedLabel: number): number {
    if (typeof labelColumn === 'number') {
      if (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= this.columns) {
        throw new DatasetError(`${this.file}: label column index ${labelColumn} is out of range; columns are numbered 0 to ${this.columns - 1}`);
      }
      return labelColumn;
    }
    if (typeof labelColumn === 'string') {
      const wanted = labelColumn.trim().toLowerCase();
      const index = this.names.findIndex((n) => n.toLowerCase() === wanted);
      if (index < 0) {
        throw new DatasetError(`${this.file}: no column named ${show(labelColumn)}; the header has ${this.names.map(show).join(', ')}`);
      }
      return index;
    }
    return namedLabel >= 0 ? namedLabel : this.columns - 1;
  }

  finish(): CsvTable {
    if (this.columns === 0) throw new DatasetError(`${this.file}: the file is empty`);
    if (this.rows === 0) throw new DatasetError(`${this.file}: the file has a header row but no data rows`);
    const raw = [...this.labelIds.keys()];
    const { classNames, indexOf } = orderLabels(raw);
    const y = this.labels.toArray();
    for (let i = 0; i < y.length; i++) y[i] = indexOf[y[i]];
    return {
      rows: this.rows,
      featureNames: this.names.filter((_, c) => c !== this.labelIndex),
      labelName: this.names[this.labelIndex],
      hasHeader: this.hasHeader,
      x: this.features.toArray(),
      y,
      classNames,
    };
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function parserError(file: string, err: unknown): DatasetError {
  if (err instanceof DatasetError) return err;
  return new DatasetError(`${file}: ${(err as Error).message}`);
}

/** Streams a CSV file from disk: memory holds the parsed numbers, never the file's text. */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<CsvTable> {
  const file = basename(path);
  const builder = new CsvTableBuilder(file, options);
  const input = createReadStream(path);
  const parser = parse(PARSE_OPTIONS);
  // 'data' events rather than for-await: one promise per record is a measurable share of a large import.
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      input.destroy();
      parser.destroy();
      reject(parserError(file, err));
    };
    input.on('error', fail);
    parser.on('error', fail);
    parser.on('data', (item: ParsedRecord) => {
      try {
        builder.add(item.record, item.info.lines);
      } catch (err) {
        fail(err);
      }
    });
    parser.on('end', resolve);
    input.pipe(parser);
  });
  return builder.finish();
}

/** The same rules over text already in memory (small bundled files, tests). */
export function parseCsvText(text: string | Buffer, file: string, options: CsvOptions = {}): CsvTable {
  const builder = new CsvTableBuilder(file, options);
  let records: ParsedRecord[];
  try {
    records = parseSync(text, PARSE_OPTIONS) as unknown as ParsedRecord[];
  } catch (err) {
    throw parserError(file, err);
  }
  for (const item of records) builder.add(item.record, item.info.lines);
  return builder.finish();
}

/** The CSV import format's reader (contract/dataset-formats.ts). */
export async function readCsvImport(source: ImportSourceOf<'csv'>): Promise<NewImport> {
  const t = await readCsvFile(source.path, { labelColumn: source.labelColumn, header: source.header });
  return {
    kind: 'tabular',
    description: `CSV ${basename(source.path)}: ${t.featureNames.length} feature columns, label column ${JSON.stringify(t.labelName)}, ${t.rows} rows.`,
    inputShape: [t.featureNames.length],
    classNames: t.classNames,
    features: { type: 'f32', data: t.x },
    y: t.y,
  };
}
