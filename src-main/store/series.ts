/** One iteration metric of a run as a chart series: samples seen accumulated, then downsampled with LTTB. */
import type Database from 'better-sqlite3';
import type { IterationSeriesName, SeriesPoint } from '../contract';
import { guard } from './errors';
import { downsampleIndices } from './lttb';
import { numberOrNaN } from './values';

// A fixed map from series name to column: the column name goes into SQL text, so it never comes from input.
const COLUMNS: Readonly<Record<IterationSeriesName, string>> = {
  loss: 'loss',
  accuracy: 'accuracy',
  learningRate: 'lr',
  batchSize: 'batch_size',
};

type RawRow = [step: number, epoch: number, value: number | null, elapsedMs: number | null, batchSize: number];

export class SeriesQueries {
  private readonly statements = new Map<IterationSeriesName, Database.Statement<[number], RawRow>>();

  constructor(private readonly db: Database.Database) {}

  get(runId: number, series: IterationSeriesName, maxPoints: number): SeriesPoint[] {
    if (!Object.prototype.hasOwnProperty.call(COLUMNS, series)) throw new RangeError(`unknown iteration series: ${String(series)}`);
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be a whole number ≥ 2, got ${maxPoints}`);
    // Raw arrays rather than objects: for a long run this is most of the time spent.
    const rows = guard(`could not read the ${series} series of run ${runId}`, () => this.statement(series).all(runId));
    const n = rows.length;
    const steps = new Float64Array(n);
    const values: Array<number | null> = new Array<number | null>(n);
    // Samples seen is the running sum of batch sizes, so batch sizes compare on equal compute.
    const samplesSeen = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      steps[i] = row[0];
      values[i] = row[2];
      total += row[4];
      samplesSeen[i] = total;
    }
    return downsampleIndices(steps, values, maxPoints).map((i) => ({
      step: rows[i][0],
      epoch: rows[i][1],
      value: rows[i][2],
      elapsedMs: numberOrNaN(rows[i][3]),
      samplesSeen: samplesSeen[i],
    }));
  }

  private statement(series: IterationSeriesName): Database.Statement<[number], RawRow> {
    let statement = this.statements.get(series);
    if (!statement) {
      statement = this.db
        .prepare<[number], RawRow>(`SELECT step, epoch, ${COLUMNS[series]}, elapsed_ms, batch_size FROM iteration_metrics WHERE run_id = ? ORDER BY step`)
        .raw();
      this.statements.set(series, statement);
    }
    return statement;
  }
}
