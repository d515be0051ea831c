// Types for build-icons.mjs (a plain script, run by Node without a build step).
import type { IcoImage } from './icon-formats.mjs';

export interface IconSources {
  large: string;
  small: string;
}
export const DEFAULT_OUT: string;
export const SOURCES: { large: string; small: string };
export const SMALL_DESIGN_MAX_POINTS: number;
export const PNG_SIZES: number[];
export const ICO_SIZES: number[];
export const WINDOW_ICON_SIZE: number;
export function iconSvg(sources: IconSources, points: number, framing: 'apple' | 'full'): string;
export function renderIcon(svg: string, pixels: number): IcoImage;
export function readSources(files?: { large: string; small: string }): IconSources;
export function iconFiles(outDir: string): { ico: string; icns: string; png(size: number): string; stamp: string };
export function buildIcons(options?: { outDir?: string; sources?: IconSources; force?: boolean }): boolean;
