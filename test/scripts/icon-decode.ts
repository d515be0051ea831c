/**
 * Readers for ICO and ICNS written from the formats' descriptions, independent of the writers in
 * scripts/icon-formats.mjs, so the tests check the files rather than the writer against itself.
 */
export interface IcoFrame {
  width: number;
  height: number;
  kind: 'png' | 'bmp';
  /** Straight-alpha RGBA, top row first (bitmaps only). */
  rgba: Uint8Array | null;
  /** The AND mask bit per pixel, top row first (bitmaps only): 1 = transparent. */
  mask: number[] | null;
  data: Buffer;
}

export function decodeIco(file: Buffer): IcoFrame[] {
  if (file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1) throw new Error('not an ICO file');
  const count = file.readUInt16LE(4);
  const frames: IcoFrame[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    const width = file[entry] || 256;
    const height = file[entry + 1] || 256;
    const bytes = file.readUInt32LE(entry + 8);
    const offset = file.readUInt32LE(entry + 12);
    if (offset + bytes > file.length) throw new Error(`ICO entry ${i} runs past the end of the file`);
    const data = file.subarray(offset, offset + bytes);
    if (data.subarray(1, 4).toString('latin1') === 'PNG') {
      frames.push({ width, height, kind: 'png', rgba: null, mask: null, data });
      continue;
    }
    if (data.readUInt32LE(0) !== 40) throw new Error('expected a BITMAPINFOHEADER');
    const w = data.readInt32LE(4);
    const h2 = data.readInt32LE(8);
    if (w !== width || h2 !== height * 2 || data.readUInt16LE(14) !== 32) throw new Error(`bad bitmap header ${w}×${h2}`);
    const rgba = new Uint8Array(width * height * 4);
    const pixelsAt = 40;
    for (let row = 0; row < height; row++) {
      const y = height - 1 - row;
      for (let x = 0; x < width; x++) {
        const from = pixelsAt + (row * width + x) * 4;
        const to = (y * width + x) * 4;
        rgba[to] = data[from + 2];
        rgba[to + 1] = data[from + 1];
        rgba[to + 2] = data[from];
        rgba[to + 3] = data[from + 3];
      }
    }
    const maskAt = pixelsAt + width * height * 4;
    const stride = Math.ceil(width / 32) * 4;
    if (maskAt + stride * height !== data.length) throw new Error('the AND mask is missing or the wrong size');
    const mask: number[] = [];
    for (let y = 0; y < height; y++) {
      const row = height - 1 - y;
      for (let x = 0; x < width; x++) mask.push((data[maskAt + row * stride + (x >> 3)] >> (7 - (x & 7))) & 1);
    }
    frames.push({ width, height, kind: 'bmp', rgba, mask, data });
  }
  return frames;
}

export function decodeIcns(file: Buffer): Array<{ type: string; data: Buffer }> {
  if (file.toString('latin1', 0, 4) !== 'icns') throw new Error('not an ICNS file');
  if (file.readUInt32BE(4) !== file.length) throw new Error('the ICNS length field does not match the file');
  const entries = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at + 4);
    if (length < 8 || at + length > file.length) throw new Error(`bad ICNS entry length at ${at}`);
    entries.push({ type: file.toString('latin1', at, at + 4), data: file.subarray(at + 8, at + length) });
    at += length;
  }
  return entries;
}

export function pngDimensions(png: Buffer): [number, number] {
  if (png.readUInt32BE(0) !== 0x89504e47 || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/** Counts pixels by what a person would call them: the tile's blue, the curve's white, the dot's amber. */
export function colourCounts(rgba: Uint8Array): { transparent: number; blue: number; white: number; amber: number } {
  const counts = { transparent: 0, blue: 0, white: 0, amber: 0 };
  for (let i = 0; i < rgba.length; i += 4) {
    const [r, g, b, a] = [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]];
    if (a === 0) counts.transparent++;
    else if (a < 200) continue;
    else if (r > 210 && g > 210 && b > 210) counts.white++;
    else if (r > 200 && g > 120 && g < 215 && b < 90) counts.amber++;
    else if (b > r + 60 && b > 100) counts.blue++;
  }
  return counts;
}
