/** Path questions asked by the services, the server and the app, answered once and for every platform. */
import nodePath from 'node:path';
import type { PathFlavour } from './data-dir';

/**
 * Whether `target` lies strictly inside `dir` (not `dir` itself). Decided on the relative path, not on
 * string prefixes: `C:\data2` is not inside `C:\data`, a file named `..notes` inside it is, a path on
 * another drive never is, and Windows paths compare case-insensitively as the file system does.
 */
export function isInsideDir(dir: string, target: string, path: PathFlavour = nodePath): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(target));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
