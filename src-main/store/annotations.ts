/** Tags and notes, the same two columns on runs and on experiments. */
import type Database from 'better-sqlite3';
import { guard } from './errors';
import { parseTags } from './values';

export class AnnotationQueries {
  private readonly tagsOf;
  private readonly updateTags;
  private readonly updateNotes;

  /** `table` is one of two literals, never user input. */
  constructor(private readonly db: Database.Database, private readonly table: 'runs' | 'experiments') {
    this.tagsOf = db.prepare<[number], string>(`SELECT tags FROM ${table} WHERE id = ?`).pluck();
    this.updateTags = db.prepare<[string, number]>(`UPDATE ${table} SET tags = ? WHERE id = ?`);
    this.updateNotes = db.prepare<[string, number]>(`UPDATE ${table} SET notes = ? WHERE id = ?`);
  }

  private get what(): string {
    return this.table === 'runs' ? 'run' : 'experiment';
  }

  /** Read-modify-write in one transaction, so two editors adding tags at once both keep theirs. */
  changeTags(id: number, change: (current: string[]) => string[]): string[] {
    return guard(`could not tag ${this.what} ${id}`, () =>
      this.db.transaction(() => {
        const stored = this.tagsOf.get(id);
        if (stored === undefined) throw new RangeError(`there is no ${this.what} ${id}`);
        const next = change(parseTags(stored));
        this.updateTags.run(JSON.stringify(next), id);
        return next;
      })(),
    );
  }

  setNotes(id: number, notes: string): void {
    guard(`could not save the notes of ${this.what} ${id}`, () =>
      this.db.transaction(() => {
        if (this.updateNotes.run(notes, id).changes === 0) throw new RangeError(`there is no ${this.what} ${id}`);
      })(),
    );
  }
}
