import { describe, expect, it } from 'vitest';
import { encodeIcns, encodeIco, ICNS_TYPES, pngSize, unpremultiply } from '../../scripts/icon-formats.mjs';
import { renderIcon } from '../../scripts/build-icons.mjs';
import { decodeIcns, decodeIco, pngDimensions } from './icon-decode';

/** A size × size image: opaque red at the top-left pixel, fully transparent at the bottom-right, grey elsewhere. */
function marked(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4).fill(128);
  rgba.set([255, 0, 0, 255], 0);
  rgba.set([0, 0, 0, 0], (size * size - 1) * 4);
  return rgba;
}

const square = (px: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}"><rect width="${px}" height="${px}" fill="#336699"/></svg>`;

describe('unpremultiply', () => {
  it('turns premultiplied colour back into straight colour and leaves transparent pixels black', () => {
    expect([...unpremultiply(new Uint8Array([128, 0, 64, 128, 9, 9, 9, 0, 10, 20, 30, 255]))]).toEqual([255, 0, 128, 128, 0, 0, 0, 0, 10, 20, 30, 255]);
  });
});

describe('encodeIco', () => {
  it('writes small sizes as bottom-up BGRA bitmaps with an AND mask, and 256 px as PNG', () => {
    const png256 = renderIcon(square(256), 256).png;
    const file = encodeIco([
      { size: 256, png: png256, rgba: new Uint8Array(0) },
      { size: 16, png: Buffer.alloc(0), rgba: marked(16) },
      { size: 48, png: Buffer.alloc(0), rgba: marked(48) },
    ]);
    const frames = decodeIco(file);
    expect(frames.map((f) => [f.width, f.kind])).toEqual([[16, 'bmp'], [48, 'bmp'], [256, 'png']]);
    for (const frame of frames.slice(0, 2)) {
      const n = frame.width * frame.width;
      expect([...frame.rgba!.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
      expect([...frame.rgba!.subarray((n - 1) * 4)]).toEqual([0, 0, 0, 0]);
      expect(frame.mask![0]).toBe(0);
      expect(frame.mask![n - 1]).toBe(1);
      expect(frame.mask!.reduce((a, b) => a + b, 0)).toBe(1);
    }
    expect(frames[2].data.equals(png256)).toBe(true);
  });

  it('refuses sizes an ICO cannot hold and pixels of the wrong length', () => {
    expect(() => encodeIco([{ size: 512, png: Buffer.alloc(0), rgba: new Uint8Array(0) }])).toThrow(/1 to 256 px/);
    expect(() => encodeIco([{ size: 16, png: Buffer.alloc(0), rgba: new Uint8Array(10) }])).toThrow(/16 px image has 10 bytes/);
    expect(() => encodeIco([{ size: 256, png: renderIcon(square(128), 128).png, rgba: new Uint8Array(0) }])).toThrow(/128×128 PNG/);
  });
});

describe('encodeIcns', () => {
  it('writes each PNG under its OSType with lengths that add up', () => {
    const entries = ICNS_TYPES.filter((t) => t.pixels <= 64).map((t) => ({ type: t.type, png: renderIcon(square(t.pixels), t.pixels).png }));
    const decoded = decodeIcns(encodeIcns(entries));
    expect(decoded.map((e) => e.type)).toEqual(entries.map((e) => e.type));
    decoded.forEach((e, i) => expect(e.data.equals(entries[i].png)).toBe(true));
    expect(decoded.map((e) => pngDimensions(e.data)[0])).toEqual([16, 32, 32, 64, 64]);
  });

  it('refuses an entry whose PNG is not the size its type holds, and unknown types', () => {
    expect(() => encodeIcns([{ type: 'ic07', png: renderIcon(square(64), 64).png }])).toThrow(/ic07 holds 128 px, not 64×64/);
    expect(() => encodeIcns([{ type: 'zzzz', png: renderIcon(square(16), 16).png }])).toThrow(/unknown ICNS entry type/);
  });

  it('reads PNG sizes and refuses what is not a PNG', () => {
    expect(pngSize(renderIcon(square(20), 20).png)).toEqual({ width: 20, height: 20 });
    expect(() => pngSize(Buffer.from('GIF89a and then some more bytes'))).toThrow(/not a PNG/);
  });
});
