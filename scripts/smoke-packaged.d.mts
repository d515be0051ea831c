// Types for smoke-packaged.mjs (a plain script, run by Node without a build step).
export const PRODUCT_NAME: string;
export const LINUX_EXECUTABLE: string;
export const DEFAULT_TIMEOUT_S: number;
export function packagedBinary(distDir: string, platform?: NodeJS.Platform, arch?: string): string[];
export function smokePackaged(options: { binary: string; timeoutMs?: number; extraArgs?: string[] }): Promise<{ status: number; line: string }>;
