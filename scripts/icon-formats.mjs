// The two icon containers the installers need, written from PNGs and pixels rendered by build-icons.mjs.
// Both are simple enough to write directly, which lets every size be drawn from the SVG at that size
// (crisp at 16 px) rather than scaled down from one large bitmap by a converter.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png) {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Premultiplied RGBA (what resvg renders) to straight RGBA (what ICO bitmaps hold). */
export function unpremultiply(rgba) {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    out[i + 3] = a;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round((rgba[i + c] * 255) / a));
  }
  return out;
}

/**
 * A 32-bit BMP (DIB) icon image: BITMAPINFOHEADER with double height, BGRA rows bottom-up, then the
 * 1-bit AND mask (set where fully transparent), each mask row padded to 4 bytes.
 */
function icoBitmap(size, rgba) {
  const maskStride = Math.ceil(size / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(0, 16);
  header.writeUInt32LE(size * size * 4 + maskStride * size, 20);
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = (row * size + x) * 4;
      pixels[to] = rgba[from + 2];
      pixels[to + 1] = rgba[from + 1];
      pixels[to + 2] = rgba[from];
      pixels[to + 3] = rgba[from + 3];
      if (rgba[from + 3] === 0) mask[row * maskStride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

/**
 * An ICO file. Each image is { size, png, rgba } (rgba: straight alpha, size × size × 4). Images of 256 px
 * are stored as PNG, smaller ones as 32-bit bitmaps, as Windows' own icons are: every Windows version and
 * tool (the NSIS installer, rcedit) reads bitmaps, and a 256 px bitmap would be needlessly large.
 */
export function encodeIco(images) {
  const sorted = [...images].sort((a, b) => a.size - b.size);
  const payloads = sorted.map((image) => {
    if (image.size < 1 || image.size > 256) throw new Error(`ICO images are 1 to 256 px, not ${image.size}`);
    if (image.size === 256) {
      const { width, height } = pngSize(image.png);
      if (width !== 256 || height !== 256) throw new Error(`the 256 px ICO image is a ${width}×${height} PNG`);
      return image.png;
    }
    if (image.rgba.length !== image.size * image.size * 4) throw new Error(`the ${image.size} px image has ${image.rgba.length} bytes of pixels`);
    return icoBitmap(image.size, image.rgba);
  });
  const header = Buffer.alloc(6 + 16 * sorted.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sorted.length, 4);
  let offset = header.length;
  sorted.forEach((image, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(image.size === 256 ? 0 : image.size, entry);
    header.writeUInt8(image.size === 256 ? 0 : image.size, entry + 1);
    header.writeUInt8(0, entry + 2);
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(payloads[i].length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += payloads[i].length;
  });
  return Buffer.concat([header, ...payloads]);
}

/**
 * The PNG entries of an ICNS file, by OSType: the pixel size each holds and the point size it is drawn at
 * (the @2x entries are for Retina screens). macOS 10.7 and later read PNG in all of them; Electron 45 needs
 * macOS 12, so the older RLE bitmap types are not written.
 */
export const ICNS_TYPES = [
  { type: 'icp4', pixels: 16, points: 16 },
  { type: 'ic11', pixels: 32, points: 16 },
  { type: 'icp5', pixels: 32, points: 32 },
  { type: 'ic12', pixels: 64, points: 32 },
  { type: 'icp6', pixels: 64, points: 64 },
  { type: 'ic07', pixels: 128, points: 128 },
  { type: 'ic13', pixels: 256, points: 128 },
  { type: 'ic08', pixels: 256, points: 256 },
  { type: 'ic14', pixels: 512, points: 256 },
  { type: 'ic09', pixels: 512, points: 512 },
  { type: 'ic10', pixels: 1024, points: 512 },
];

/** An ICNS file from entries { type, png }: the 'icns' header, then each entry as OSType, length, data. */
export function encodeIcns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const known = ICNS_TYPES.find((t) => t.type === type);
    if (!known) throw new Error(`unknown ICNS entry type ${type}`);
    const { width, height } = pngSize(png);
    if (width !== known.pixels || height !== known.pixels) throw new Error(`${type} holds ${known.pixels} px, not ${width}×${height}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}
