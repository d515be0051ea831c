// Serve-mode import (issue 7): a browser uploads files (never paths) in chunks, then importUpload imports them
// with the same reader as the CLI. Raw requests, as curl would send them, against the real services.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_FORMATS, MAX_UPLOAD_CHUNK_BYTES, type ImportReport, type UploadReceipt } from '../../src-main/contract';
import { startServer, type RunningServer } from '../../src-main/server/server';
import type { Services } from '../../src-main/services/create-services';
import { pngBytes, solid, zipBytes } from '../engine/datasets/image-files';
import { openServices, tempDataDir } from '../services/harness';
import { rawRequest } from './http-client';

const TOKEN = 'upload-test-token-0123456789';
let data: ReturnType<typeof tempDataDir>;
let services: Services;
let server: RunningServer;
let cookie: string;
const CSV = 'sepal,petal,kind\n1,2,b\n3,4,a\n5,6,b\n7,8,a\n';

beforeAll(async () => {
  data = tempDataDir();
  const staticDir = path.join(data.dir, 'renderer');
  await mkdir(staticDir, { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Epochlab</title>');
  services = await openServices(path.join(data.dir, 'data'));
  server = await startServer(services, { staticDir, token: TOKEN, log: () => undefined });
  cookie = `epochlab_token_${server.port}=${TOKEN}`;
});

afterAll(async () => {
  await server.close();
  await services.close();
  data.cleanup();
});

const uploadsDir = () => path.join(data.dir, 'data', 'uploads');
const leftovers = async () => (await readdir(uploadsDir())).length;

function upload(query: Record<string, string>, body: Buffer | string, headers: Record<string, string> = {}) {
  return rawRequest(server.port, {
    method: 'POST', path: `/api/uploads?${new URLSearchParams(query).toString()}`, body,
    headers: { 'Content-Type': 'application/octet-stream', Cookie: cookie, ...headers },
  });
}
function api(method: string, body: unknown) {
  return rawRequest(server.port, { method: 'POST', path: `/api/${method}`, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Cookie: cookie } });
}

/** A whole file in chunks of `chunk` bytes, as the browser sends it; resolves to the upload id. */
async function uploadFile(format: string, input: string, filename: string, bytes: Buffer, chunk = bytes.length): Promise<string> {
  let receipt: UploadReceipt | null = null;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const query: Record<string, string> = receipt === null
      ? { format, input, filename, size: String(bytes.length) }
      : { uploadId: receipt.uploadId, offset: String(offset) };
    const res = await upload(query, bytes.subarray(offset, offset + chunk));
    expect(res.status, res.body).toBe(200);
    receipt = JSON.parse(res.body) as UploadReceipt;
  }
  return receipt!.uploadId;
}

describe('uploads', () => {
  it('imports an uploaded CSV sent in chunks, by upload id, and removes the upload', async () => {
    const id = await uploadFile('csv', 'path', 'flowers.csv', Buffer.from(CSV), 7);
    const res = await api('importUpload', { format: 'csv', name: 'Flowers', uploads: { path: id }, options: {} });
    expect(res.status, res.body).toBe(200);
    const report = JSON.parse(res.body) as ImportReport;
    expect(report.dataset).toMatchObject({ name: 'Flowers', rows: 4, classNames: ['a', 'b'] });
    // The reader named the user's file, not a temporary one.
    expect(report.dataset.description).toMatch(/^CSV flowers\.csv:/);
    expect(await leftovers()).toBe(0);
    // An upload is imported once.
    expect((await api('importUpload', { format: 'csv', name: 'again', uploads: { path: id } })).status).toBe(404);
  });

  it('imports an image folder uploaded as a .zip', async () => {
    const red = pngBytes(4, 4, solid(4, 4, [255, 0, 0, 255]));
    const blue = pngBytes(4, 4, solid(4, 4, [0, 0, 255, 255]));
    const zip = zipBytes([{ name: 'pets/cat/1.png', data: red }, { name: 'pets/dog/2.png', data: blue }, { name: 'pets/dog/notes.txt', data: Buffer.from('x') }]);
    const id = await uploadFile('image-folder', 'folder', 'pets.zip', zip, 100);
    const res = await api('importUpload', { format: 'image-folder', name: 'Pets', uploads: { folder: id }, options: { width: 8, height: 8, color: 'grayscale' } });
    expect(res.status, res.body).toBe(200);
    const report = JSON.parse(res.body) as ImportReport;
    expect(report.dataset).toMatchObject({ name: 'Pets', inputShape: [8, 8, 1], classNames: ['cat', 'dog'], rows: 2 });
    expect(report.skipped).toMatchObject({ total: 1, byReason: { 'not-image': 1 } });
    expect(await leftovers()).toBe(0);
  });

  it('refuses a malformed file as invalid input, naming it, and removes the upload', async () => {
    const id = await uploadFile('csv', 'path', 'bad.csv', Buffer.from('a,b,label\n1,2,x\n3\n'));
    const res = await api('importUpload', { format: 'csv', name: 'Bad', uploads: { path: id } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toBe('bad.csv: row 2 (line 3) has 1 columns, expected 3 like the header');
    expect(await leftovers()).toBe(0);
  });

  it('refuses a file over its limit (announced or sent), a chunk over the chunk limit, and a wrong type', async () => {
    const limit = DATASET_FORMATS.csv.inputs[0].upload.maxBytes;
    const tooBig = await upload({ format: 'csv', input: 'path', filename: 'big.csv', size: String(limit + 1) }, 'a');
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body).error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/limited to 2147483648 bytes/) });
    const lying = await upload({ format: 'csv', input: 'path', filename: 'small.csv', size: '3' }, 'more than three bytes');
    expect(lying.status).toBe(413);
    const chunk = await upload({ format: 'csv', input: 'path', filename: 'x.csv', size: '100' }, 'x', { 'Content-Length': String(MAX_UPLOAD_CHUNK_BYTES + 1) }).catch(() => null);
    expect(chunk === null || chunk.status === 413).toBe(true);
    expect((await upload({ format: 'csv', input: 'path', filename: 'x.exe', size: '3' }, 'abc')).status).toBe(400);
    expect((await upload({ format: 'csv', input: 'images', filename: 'x.csv', size: '3' }, 'abc')).status).toBe(400);
    expect((await upload({ format: 'tar', input: 'path', filename: 'x.csv', size: '3' }, 'abc')).status).toBe(400);
    expect((await upload({ format: 'csv', input: 'path', filename: 'x.csv', size: '3' }, 'abc', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await upload({ format: 'csv', input: 'path', filename: 'x.csv', size: '3' }, 'abc', { 'Content-Type': 'multipart/form-data; boundary=x' })).status).toBe(415);
    expect(await leftovers()).toBe(0);
  });

  it('refuses a wrong or missing token and a foreign origin before storing a byte', async () => {
    const query = { format: 'csv', input: 'path', filename: 'x.csv', size: '3' };
    expect((await upload(query, 'abc', { Cookie: `epochlab_token_${server.port}=wrong-token-wrong-token` })).status).toBe(401);
    expect((await upload(query, 'abc', { Cookie: '' })).status).toBe(401);
    expect((await upload(query, 'abc', { Origin: 'https://evil.example' })).status).toBe(403);
    expect(await leftovers()).toBe(0);
  });

  it('leaves no temporary file when an upload is cut off mid-chunk, and rolls a later chunk back', async () => {
    const cut = (query: Record<string, string>, announced: number, sent: string) => new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: `/api/uploads?${new URLSearchParams(query).toString()}`,
        headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(announced), Cookie: cookie },
      });
      req.on('error', () => resolve());
      req.write(sent, () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 100));
    });
    await cut({ format: 'csv', input: 'path', filename: 'cut.csv', size: '1000' }, 1000, 'a,b\n1,');
    await expect.poll(leftovers).toBe(0);

    const first = JSON.parse((await upload({ format: 'csv', input: 'path', filename: 'two.csv', size: String(CSV.length) }, CSV.slice(0, 10))).body) as UploadReceipt;
    await cut({ uploadId: first.uploadId, offset: '10' }, CSV.length - 10, CSV.slice(10, 15));
    // The cut chunk is gone; the upload resumes from 10 bytes and completes.
    await expect.poll(async () => JSON.parse((await upload({ uploadId: first.uploadId, offset: '15' }, 'x')).body).error.message).toMatch(/has 10 bytes; send the chunk at that offset, not 15/);
    const rest = await upload({ uploadId: first.uploadId, offset: '10' }, CSV.slice(10));
    expect(JSON.parse(rest.body)).toMatchObject({ received: CSV.length, size: CSV.length });
    expect((await api('discardUpload', { uploadId: first.uploadId })).body).toBe('{"discarded":true}');
    expect(await leftovers()).toBe(0);
  });

  it('answers a client still sending past a limit, and does not read forever from one that never stops', async () => {
    /** Streams `pieces` of 64 KiB (Infinity: until the connection ends) and resolves to the answer, or null on a reset. */
    const stream = (query: Record<string, string>, pieces: number) => new Promise<{ status: number; body: string } | null>((resolve) => {
      const req = http.request({
        port: server.port, method: 'POST', path: `/api/uploads?${new URLSearchParams(query).toString()}`,
        headers: { 'Content-Type': 'application/octet-stream', Cookie: cookie },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => (body += text));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(null));
      });
      req.on('error', () => resolve(null));
      const piece = Buffer.alloc(64 * 1024, 97);
      let sent = 0;
      const more = () => {
        while (sent < pieces && !req.destroyed) {
          sent += 1;
          if (!req.write(piece)) return void req.once('drain', more);
        }
        if (sent >= pieces) req.end();
      };
      more();
    });
    // 4 MiB against a declared 10 bytes: the rest is read and dropped, and the refusal arrives.
    const over = await stream({ format: 'image-folder', input: 'folder', filename: 'x.zip', size: '10' }, 64);
    expect(over?.status).toBe(413);
    expect(JSON.parse(over?.body ?? '{}').error.message).toMatch(/larger than the 10 bytes its upload announced/);
    // A body that never ends: refused at the limit and the connection closed (the test would hang otherwise).
    const endless = await stream({ format: 'image-folder', input: 'folder', filename: 'y.zip', size: '10' }, Infinity);
    expect(endless === null || endless.status === 413).toBe(true);
    // A wrong type with a body.
    const typed = await new Promise<number>((resolve) => {
      const req = http.request({ port: server.port, method: 'POST', path: '/api/uploads', headers: { 'Content-Type': 'text/plain', Cookie: cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end(Buffer.alloc(2 * 1024 * 1024, 97));
    });
    expect(typed).toBe(415);
    expect(await leftovers()).toBe(0);
    expect((await api('listDatasets', {})).status).toBe(200);
  });

  it('never takes a path: importUpload accepts upload ids only', async () => {
    const res = await api('importUpload', { format: 'csv', name: 'x', uploads: { path: '/etc/passwd' } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.issues[0]).toMatchObject({ path: 'uploads.path', message: 'not an upload id' });
  });
});

afterAll(async () => {
  await rm(uploadsDir(), { recursive: true, force: true });
});
