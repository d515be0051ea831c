// Types for icon-formats.mjs (a plain script, run by Node without a build step).
export interface IcoImage {
  size: number;
  png: Buffer;
  /** Straight-alpha RGBA, size × size × 4 bytes. */
  rgba: Uint8Array;
}
export function pngSize(png: Buffer): { width: number; height: number };
export function unpremultiply(rgba: Uint8Array): Uint8Array;
export function encodeIco(images: IcoImage[]): Buffer;
export const ICNS_TYPES: ReadonlyArray<{ type: string; pixels: number; points: number }>;
export function encodeIcns(entries: Array<{ type: string; png: Buffer }>): Buffer;
