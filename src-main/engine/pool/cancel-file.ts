/**
 * The cancel cell of a training process: a 4-byte file holding the id of the run to cancel (0: none).
 * The pool writes it; the training loop reads it between batches with one pread. Processes share no
 * memory, and the loop does not yield to its event loop during an epoch, so an IPC message would wait.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

export class CancelFile {
  private readonly buffer = Buffer.alloc(4);
  private closed = false;

  private constructor(private readonly fd: number) {}

  /** The pool's side: creates (or empties) the file. */
  static create(path: string): CancelFile {
    const file = new CancelFile(openSync(path, 'w+'));
    file.write(0);
    return file;
  }

  /** The training process's side. */
  static open(path: string): CancelFile {
    return new CancelFile(openSync(path, 'r'));
  }

  read(): number {
    if (this.closed) return 0;
    return readSync(this.fd, this.buffer, 0, 4, 0) === 4 ? this.buffer.readInt32LE(0) : 0;
  }

  write(runId: number): void {
    if (this.closed) return;
    this.buffer.writeInt32LE(runId, 0);
    writeSync(this.fd, this.buffer, 0, 4, 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
