// Types for dist-preflight.mjs (a plain script, run by Node without a build step).
export interface BuilderConfig {
  electronDist?: string;
  electronDownload?: { mirror?: string; customDir?: string; customFilename?: string; cache?: string };
  [key: string]: unknown;
}
export const DEFAULT_MIRROR: string;
export const CHECK_TIMEOUT_MS: number;
export function buildTargets(args: string[], config: BuilderConfig, host?: { platform: NodeJS.Platform; arch: string }): Array<{ platform: NodeJS.Platform; arches: string[] }>;
export function artifactUrl(artifact: { version: string; platform: string; arch: string }, env?: NodeJS.ProcessEnv, download?: BuilderConfig['electronDownload']): { url: string; file: string };
export function defaultCacheRoot(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv, home?: string): string;
export function findCached(cacheRoot: string, url: string, file: string): string | null;
export function unreachableReason(url: string, timeoutMs?: number, fetchImpl?: typeof fetch): Promise<string | null>;
export function readBuilderConfig(file?: string): BuilderConfig;
export function electronVersion(root?: string): string;
export function preflight(options?: {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  config?: BuilderConfig;
  version?: string;
  host?: { platform: NodeJS.Platform; arch: string };
  cacheRoot?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}): Promise<{ ok: true; notes: string[] } | { ok: false; line: string }>;
