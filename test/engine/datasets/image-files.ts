/** Test helpers for image folders: PNG and JPEG bytes from pixels, and a hand-built .zip writer (so an archive can be malformed on purpose). */
import { crc32, deflateRawSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

/** RGBA pixels of one colour. */
export function solid(width: number, height: number, rgba: [number, number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, 4 * i);
  return data;
}

export function pngBytes(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png);
}

export function jpegBytes(width: number, height: number, rgba: Uint8Array, quality = 95): Buffer {
  return encodeJpeg({ width, height, data: Buffer.from(rgba) }, quality).data;
}

/** A PNG whose IHDR claims `width` × `height` (its CRC is fixed up so only the size is a lie). */
export function pngClaiming(width: number, height: number): Buffer {
  const bytes = Buffer.from(pngBytes(2, 2, solid(2, 2, [0, 0, 0, 255])));
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

/** A JPEG whose frame header claims `width` × `height`. */
export function jpegClaiming(width: number, height: number): Buffer {
  const bytes = Buffer.from(jpegBytes(8, 8, solid(8, 8, [9, 9, 9, 255])));
  for (let at = 2; at < bytes.length - 9; at++) {
    if (bytes[at] === 0xff && bytes[at + 1] === 0xc0) {
      bytes.writeUInt16BE(height, at + 5);
      bytes.writeUInt16BE(width, at + 7);
      return bytes;
    }
  }
  throw new Error('no SOF0 in the encoded JPEG');
}

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array;
  /** Deflate the data (default) or store it. */
  deflate?: boolean;
  /** Unix mode, e.g. 0o120777 for a symlink. */
  mode?: number;
  /** Central directory: point at another entry's local header (an overlapping bomb). */
  sameDataAs?: number;
  /** The name's bytes: UTF-8 with the UTF-8 flag (default), UTF-8 without it (macOS Finder), or CP437 bytes as given. */
  nameBytes?: 'utf8' | 'utf8-unflagged' | Uint8Array;
}

/** A .zip as the spec says, written by hand: every field is ours to set, including wrong ones. */
export function zipBytes(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  entries.forEach((entry) => {
    const data = Buffer.from(entry.data ?? new Uint8Array());
    const method = entry.deflate === false || entry.name.endsWith('/') ? 0 : 8;
    const body = method === 8 ? deflateRawSync(data) : data;
    const name = entry.nameBytes instanceof Uint8Array ? Buffer.from(entry.nameBytes) : Buffer.from(entry.name, 'utf8');
    const flags = entry.nameBytes === undefined || entry.nameBytes === 'utf8' ? 0x0800 : 0;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6); // 0x0800: the name is UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    const target = entry.sameDataAs === undefined ? offset : offsets[entry.sameDataAs];
    if (entry.sameDataAs === undefined) {
      locals.push(local, name, body);
      offset += local.length + name.length + body.length;
    }
    const head = Buffer.alloc(46);
    head.writeUInt32LE(0x02014b50, 0);
    head.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    head.writeUInt16LE(20, 6);
    head.writeUInt16LE(flags, 8);
    head.writeUInt16LE(method, 10);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(body.length, 20);
    head.writeUInt32LE(data.length, 24);
    head.writeUInt16LE(name.length, 28);
    head.writeUInt32LE(((entry.mode ?? (entry.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    head.writeUInt32LE(target, 42);
    central.push(head, name);
  });
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
