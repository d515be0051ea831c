import { describe, expect, it } from 'vitest';
import { decodeImage, ImageError, imageDimensions, resizeInto, sniffImage, type DecodedImage } from '../../../src-main/engine/datasets/images';
import { jpegBytes, jpegClaiming, pngBytes, pngClaiming, solid } from './image-files';

/** The 7 × 5 RGB test card the reference values were computed from: value (37x + 91y + 53c) mod 256. */
function card(): DecodedImage {
  const width = 7;
  const height = 5;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) rgba[4 * (y * width + x) + c] = (x * 37 + y * 91 + c * 53) % 256;
      rgba[4 * (y * width + x) + 3] = 255;
    }
  }
  return { width, height, rgba };
}

function resized(image: DecodedImage, width: number, height: number, color: 'rgb' | 'grayscale'): number[] {
  const out = new Uint8Array(width * height * (color === 'rgb' ? 3 : 1));
  resizeInto(image, width, height, color, out, 0);
  return Array.from(out);
}

describe('reading image headers', () => {
  it('tells PNG and JPEG by their signature, not their name', () => {
    expect(sniffImage(pngBytes(1, 1, solid(1, 1, [1, 2, 3, 255])))).toBe('png');
    expect(sniffImage(jpegBytes(8, 8, solid(8, 8, [1, 2, 3, 255])))).toBe('jpeg');
    expect(sniffImage(Buffer.from('GIF89a...'))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });

  it('reads the declared size without decoding', () => {
    expect(imageDimensions(pngBytes(13, 7, solid(13, 7, [0, 0, 0, 255])), 'png')).toEqual({ width: 13, height: 7 });
    expect(imageDimensions(jpegBytes(24, 16, solid(24, 16, [0, 0, 0, 255])), 'jpeg')).toEqual({ width: 24, height: 16 });
    expect(imageDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'jpeg')).toBeNull();
  });
});

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGBA', () => {
    const png = decodeImage(pngBytes(2, 1, Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 128])), 100);
    expect(png).toMatchObject({ width: 2, height: 1 });
    expect(Array.from(png.rgba)).toEqual([255, 0, 0, 255, 0, 0, 255, 128]);
    const jpeg = decodeImage(jpegBytes(8, 8, solid(8, 8, [200, 100, 50, 255])), 100);
    expect(jpeg).toMatchObject({ width: 8, height: 8 });
    expect(Math.abs(jpeg.rgba[0] - 200)).toBeLessThanOrEqual(3);
  });

  it('refuses a decompression bomb from its header, before inflating anything', () => {
    // 60000 × 60000 RGBA would be 14 GB decoded; the file is a few dozen bytes.
    for (const bomb of [pngClaiming(60_000, 60_000), jpegClaiming(60_000, 60_000)]) {
      const error = (() => {
        try {
          decodeImage(bomb, 40_000_000);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(ImageError);
      expect((error as ImageError).reason).toBe('too-large');
      expect((error as ImageError).message).toMatch(/60000 × 60000 pixels is over the limit of 40000000/);
    }
  });

  it('calls corrupt, truncated and mislabelled files corrupt', () => {
    const png = pngBytes(16, 16, solid(16, 16, [1, 2, 3, 255]));
    const jpeg = jpegBytes(16, 16, solid(16, 16, [1, 2, 3, 255]));
    const cases = [png.subarray(0, png.length - 20), jpeg.subarray(0, jpeg.length - 40), Buffer.from('just text, named .png'), Buffer.concat([png.subarray(0, 40), Buffer.alloc(60, 7)])];
    for (const bytes of cases) expect(() => decodeImage(bytes, 1e6)).toThrow(ImageError);
    for (const bytes of cases) {
      try {
        decodeImage(bytes, 1e6);
      } catch (e) {
        expect((e as ImageError).reason).toBe('corrupt');
      }
    }
    // A cut-off file says so, in words, rather than as the decoder's stream error.
    expect(() => decodeImage(png.subarray(0, png.length - 20), 1e6)).toThrow(/^truncated: no IEND chunk/);
    expect(() => decodeImage(jpeg.subarray(0, jpeg.length - 40), 1e6)).toThrow(/^truncated: no end-of-image marker/);
    // Damaged pixel data inside a complete file is still corrupt.
    const damaged = Buffer.from(png);
    damaged.fill(0x55, 45, damaged.length - 16);
    expect(() => decodeImage(damaged, 1e6)).toThrow(ImageError);
  });
});

describe('resizeInto (antialiased bilinear, as PIL and torchvision resize)', () => {
  // Reference: PIL 9.4 Image.resize(BILINEAR) on each channel as a float ('F') image, rounded.
  it('matches PIL when shrinking, enlarging and both', () => {
    const near = (ours: number[], pil: number[]) => ours.forEach((v, i) => expect(Math.abs(v - pil[i]), `value ${i}`).toBeLessThanOrEqual(1));
    near(resized(card(), 4, 3, 'rgb'), [58, 111, 159, 116, 169, 134, 162, 158, 151, 137, 108, 99, 138, 130, 106, 88, 113, 120, 117, 140, 136, 131, 152, 178, 88, 141, 187, 146, 158, 135, 109, 121, 95, 125, 121, 122]);
    near(resized(card(), 2, 2, 'rgb'), [109, 138, 134, 131, 138, 135, 111, 133, 140, 124, 139, 125]);
    const big = resized(card(), 11, 9, 'rgb');
    expect(big).toHaveLength(11 * 9 * 3);
    near(big.slice(0, 12), [0, 53, 106, 17, 70, 123, 40, 93, 146, 64, 117, 170]);
    near(big.slice(-6), [57, 110, 163, 74, 127, 180]);
  });

  it('converts to grayscale with the luma PIL uses, then resizes', () => {
    const near = (ours: number[], pil: number[]) => ours.forEach((v, i) => expect(Math.abs(v - pil[i])).toBeLessThanOrEqual(1));
    near(resized(card(), 4, 3, 'grayscale'), [101, 149, 158, 116, 129, 106, 132, 149, 131, 152, 114, 122]);
    expect(resized({ width: 1, height: 1, rgba: Uint8Array.from([255, 0, 0, 255]) }, 1, 1, 'grayscale')).toEqual([76]);
  });

  it('keeps a flat image flat at any size, drops alpha, and writes at the offset', () => {
    const flat = { width: 9, height: 4, rgba: solid(9, 4, [10, 200, 30, 0]) };
    const out = new Uint8Array(5 + 3 * 5 * 3).fill(99);
    resizeInto(flat, 3, 5, 'rgb', out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([99, 99, 99, 99, 99]);
    for (let p = 0; p < 15; p++) expect(Array.from(out.subarray(5 + 3 * p, 8 + 3 * p))).toEqual([10, 200, 30]);
  });
});
