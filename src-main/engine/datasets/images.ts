/**
 * One image file → pixels of a chosen size and colour: PNG and JPEG decoded by kept libraries (pngjs,
 * jpeg-js), after the size in the file's header has been checked against the pixel limit, so a
 * decompression bomb is refused before anything is inflated (docs/reliability.md G3). Pure: bytes in,
 * pixels out.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

export type ImageType = 'png' | 'jpeg';
export type ColorMode = 'rgb' | 'grayscale';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format the bytes are in, by their signature (not their name), or null. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Width and height as the header declares them, read without decoding; null when there is no readable header. */
export function imageDimensions(bytes: Uint8Array, type: ImageType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'png') {
    // The first chunk must be IHDR: length 13, then the type, then width and height (big-endian).
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  // JPEG: walk the marker segments to the first start-of-frame.
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    const length = view.getUint16(at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame
    at += 2 + length;
  }
  return null;
}

/** Whether the last 12 bytes are an IEND chunk (length 0, type, fixed CRC), as every complete PNG ends. */
function endsWithPngEnd(bytes: Uint8Array): boolean {
  const end = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
  return bytes.length >= end.length && end.every((b, i) => bytes[bytes.length - end.length + i] === b);
}

export class ImageError extends Error {
  constructor(message: string, readonly reason: 'corrupt' | 'too-large') {
    super(message);
  }
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major. */
  rgba: Uint8Array;
}

/** Decodes a PNG or JPEG to RGBA, refusing (ImageError) a corrupt file or one whose header exceeds `maxPixels`. */
export function decodeImage(bytes: Uint8Array, maxPixels: number): DecodedImage {
  const type = sniffImage(bytes);
  if (type === null) throw new ImageError('not a PNG or JPEG (its first bytes are neither signature)', 'corrupt');
  const size = imageDimensions(bytes, type);
  if (size === null) throw new ImageError(`no readable ${type.toUpperCase()} header`, 'corrupt');
  if (size.width === 0 || size.height === 0) throw new ImageError(`the header declares ${size.width} × ${size.height} pixels`, 'corrupt');
  if (size.width * size.height > maxPixels) {
    throw new ImageError(`${size.width} × ${size.height} pixels is over the limit of ${maxPixels}`, 'too-large');
  }
  try {
    if (type === 'png') {
      // pngjs words a cut-off file as a stream error ("read requests waiting on finished stream"); name it.
      if (!endsWithPngEnd(bytes)) throw new Error('truncated: no IEND chunk at its end');
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: png.data };
    }
    // A file that ends before its end-of-image marker is truncated; jpeg-js would fill the rest with grey.
    if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) throw new Error('truncated: no end-of-image marker');
    const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
    return { width: jpeg.width, height: jpeg.height, rgba: jpeg.data };
  } catch (error) {
    throw new ImageError(error instanceof Error ? error.message : String(error), 'corrupt');
  }
}

/**
 * Antialiased bilinear weights, as PIL's resize (and torchvision's Resize) compute them: a triangle filter
 * widened by the scale when shrinking, so every source pixel counts once. Per output index: first source
 * index and normalised weights.
 */
function resizeWeights(inSize: number, outSize: number): { first: Int32Array; count: Int32Array; weights: Float64Array; stride: number } {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const w = Math.max(0, 1 - Math.abs((j - center + 0.5) / support));
      weights[i * stride + j - lo] = w;
      total += w;
    }
    for (let j = lo; j < hi; j++) weights[i * stride + j - lo] /= total || 1;
    first[i] = lo;
    count[i] = hi - lo;
  }
  return { first, count, weights, stride };
}

/**
 * Writes the image, converted to `color` (alpha dropped) and resized to width × height, into `out` at
 * `offset` as row-major uint8 [height, width, channels]. The horizontal pass reads the decoded RGBA in place
 * (no float copy of the source: a 36-megapixel photo would need 430 MB for it) and each tap serves every
 * channel at once.
 */
export function resizeInto(image: DecodedImage, width: number, height: number, color: ColorMode, out: Uint8Array, offset: number): void {
  const channels = color === 'rgb' ? 3 : 1;
  const { width: w, height: h, rgba } = image;
  // Horizontal pass (h × width), then vertical (height × width): separable, as PIL does it.
  const across = resizeWeights(w, width);
  const rows = new Float32Array(h * width * channels);
  for (let y = 0; y < h; y++) {
    const rowStart = y * w;
    for (let x = 0; x < width; x++) {
      const taps = across.count[x];
      const weightAt = x * across.stride;
      let pixel = (rowStart + across.first[x]) * 4;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < taps; k++, pixel += 4) {
        const weight = across.weights[weightAt + k];
        r += weight * rgba[pixel];
        g += weight * rgba[pixel + 1];
        b += weight * rgba[pixel + 2];
      }
      const at = (y * width + x) * channels;
      // Luma as PIL's convert('L') weighs it (ITU-R 601-2); it is linear, so it may follow the horizontal pass
      // (PIL rounds each pixel's luma first: outputs differ from it by at most one level).
      if (channels === 1) rows[at] = (r * 19595 + g * 38470 + b * 7471) / 65536;
      else {
        rows[at] = r;
        rows[at + 1] = g;
        rows[at + 2] = b;
      }
    }
  }
  const down = resizeWeights(h, height);
  const rowLength = width * channels;
  for (let y = 0; y < height; y++) {
    const taps = down.count[y];
    const weightAt = y * down.stride;
    const firstRow = down.first[y];
    for (let i = 0; i < rowLength; i++) {
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += down.weights[weightAt + k] * rows[(firstRow + k) * rowLength + i];
      out[offset + y * rowLength + i] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
}
