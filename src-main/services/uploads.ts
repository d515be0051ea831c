/**
 * Serve mode uploads: a browser's files, received in chunks into `<data folder>/uploads/<id>/<file name>`
 * (the reader's messages then name the user's file) with the registry's byte limit, until `importUpload`
 * hands them to the same importer as the CLI and removes them. A chunk cut off mid-way is rolled back (a
 * first chunk leaves nothing behind); uploads left idle are removed, and the folder is emptied at start
 * (docs/reliability.md B4, C8).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, promises as fs, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiError, DATASET_FORMATS, MAX_UPLOAD_CHUNK_BYTES, parseUntrusted, UPLOAD_IDLE_MS, uploadChunkSchema,
  type DatasetFormat, type DatasetImportFormat, type UploadReceipt,
} from '../contract';

interface Upload {
  id: string;
  format: DatasetImportFormat;
  input: string;
  path: string;
  size: number;
  received: number;
  busy: boolean;
  touched: number;
}

/** A file name as the browser gave it, reduced to something safe to create inside the upload's folder. */
export function safeFileName(name: string): string {
   
  const base = name.split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f:*?"<>|]/g, '_').trim().slice(-120);
  return base === '' || /^\.+$/.test(base) ? 'upload' : base;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export class UploadArea {
  private readonly uploads = new Map<string, Upload>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly dir: string, private readonly now: () => number = Date.now) {
    // Whatever a previous process left is an upload nobody can finish any more.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    this.sweeper = setInterval(() => void this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Stores one chunk; `body` is read to its end or to the first byte over a limit. */
  async receive(query: unknown, body: AsyncIterable<Uint8Array>): Promise<UploadReceipt> {
    const chunk = parseUntrusted(uploadChunkSchema, query, 'invalid upload');
    const upload = 'uploadId' in chunk ? this.resume(chunk.uploadId, chunk.offset) : await this.start(chunk);
    upload.busy = true;
    const start = upload.received;
    try {
      await this.append(upload, body);
      upload.touched = this.now();
      return { uploadId: upload.id, received: upload.received, size: upload.size };
    } catch (error) {
      // Nothing of a chunk that did not arrive whole is kept; an upload with nothing in it is not kept at all.
      if (start === 0) await this.remove(upload);
      else {
        await fs.truncate(upload.path, start).catch(() => undefined);
        upload.received = start;
      }
      throw error;
    } finally {
      upload.busy = false;
    }
  }

  private async start(chunk: { format: DatasetImportFormat; input: string; filename: string; size: number }): Promise<Upload> {
    const format = DATASET_FORMATS[chunk.format] as DatasetFormat;
    const input = format.inputs.find((i) => i.key === chunk.input);
    if (!input) {
      throw new ApiError('invalid', `${format.label} takes ${format.inputs.map((i) => i.key).join(' and ')}, not ${JSON.stringify(chunk.input)}`, [{ path: 'input', message: 'not an input of this format' }]);
    }
    const { extensions, maxBytes } = input.upload;
    if (extensions.length && !extensions.includes(extensionOf(chunk.filename))) {
      throw new ApiError('invalid', `the ${input.label} must be a ${extensions.map((e) => `.${e}`).join(' or ')} file, not ${JSON.stringify(safeFileName(chunk.filename))}`, [{ path: 'filename', message: 'wrong type of file' }]);
    }
    if (chunk.size > maxBytes) {
      throw new ApiError('too-large', `the ${input.label} is ${chunk.size} bytes; uploads of it are limited to ${maxBytes} bytes (import larger files with \`epochlab datasets import\` on the server)`);
    }
    const id = `up-${randomBytes(12).toString('hex')}`;
    const folder = join(this.dir, id);
    await fs.mkdir(folder);
    const path = join(folder, safeFileName(chunk.filename));
    await fs.writeFile(path, '');
    const upload: Upload = { id, format: chunk.format, input: chunk.input, path, size: chunk.size, received: 0, busy: false, touched: this.now() };
    this.uploads.set(id, upload);
    return upload;
  }

  private resume(id: string, offset: number): Upload {
    const upload = this.uploads.get(id);
    if (!upload) throw new ApiError('not-found', `there is no upload ${id} (finished, abandoned or from before a restart); upload the file again`);
    if (upload.busy) throw new ApiError('conflict', `upload ${id} is receiving another chunk`);
    if (offset !== upload.received) throw new ApiError('conflict', `upload ${id} has ${upload.received} bytes; send the chunk at that offset, not ${offset}`);
    return upload;
  }

  private async append(upload: Upload, body: AsyncIterable<Uint8Array>): Promise<void> {
    const handle = await fs.open(upload.path, 'a');
    let chunkBytes = 0;
    try {
      for await (const piece of body) {
        chunkBytes += piece.length;
        if (chunkBytes > MAX_UPLOAD_CHUNK_BYTES) throw new ApiError('too-large', `an upload chunk may hold at most ${MAX_UPLOAD_CHUNK_BYTES} bytes`);
        if (upload.received + piece.length > upload.size) {
          throw new ApiError('too-large', `the file is larger than the ${upload.size} bytes its upload announced`);
        }
        await handle.write(piece);
        upload.received += piece.length;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * The files of finished uploads for one import, checked against the format; `release` removes them. An
   * upload is taken once: a second import of it finds nothing.
   */
  take(format: DatasetImportFormat, ids: Record<string, string>): { paths: Record<string, string>; release: () => Promise<void> } {
    const taken: Upload[] = [];
    const paths: Record<string, string> = {};
    for (const [input, id] of Object.entries(ids)) {
      const upload = this.uploads.get(id);
      if (!upload || upload.busy) throw new ApiError('not-found', `there is no finished upload ${id} for the ${input}; upload the file again`, [{ path: `uploads.${input}`, message: 'no such upload' }]);
      if (upload.format !== format || upload.input !== input) {
        throw new ApiError('invalid', `upload ${id} was sent as the ${upload.input} of ${upload.format}, not the ${input} of ${format}`, [{ path: `uploads.${input}`, message: 'an upload for another input' }]);
      }
      if (upload.received !== upload.size) {
        throw new ApiError('invalid', `upload ${id} has ${upload.received} of its ${upload.size} bytes; finish it first`, [{ path: `uploads.${input}`, message: 'unfinished upload' }]);
      }
      taken.push(upload);
      paths[input] = upload.path;
    }
    for (const upload of taken) upload.busy = true;
    return { paths, release: async () => void (await Promise.all(taken.map((u) => this.remove(u)))) };
  }

  async discard(id: string): Promise<boolean> {
    const upload = this.uploads.get(id);
    if (!upload || upload.busy) return false;
    await this.remove(upload);
    return true;
  }

  /** Removes uploads idle for UPLOAD_IDLE_MS (a browser closed mid-upload). */
  async sweep(): Promise<void> {
    const stale = [...this.uploads.values()].filter((u) => !u.busy && this.now() - u.touched > UPLOAD_IDLE_MS);
    await Promise.all(stale.map((u) => this.remove(u)));
  }

  close(): void {
    clearInterval(this.sweeper);
    this.uploads.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async remove(upload: Upload): Promise<void> {
    this.uploads.delete(upload.id);
    await fs.rm(join(this.dir, upload.id), { recursive: true, force: true });
  }
}
