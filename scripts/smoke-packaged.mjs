// `npm run smoke:packaged`: starts the app `npm run dist` left in dist/ (this OS and architecture) with
// --smoke-test and passes on its verdict (docs/reliability.md A5). On Linux run it under a display, e.g.
// `xvfb-run -a npm run smoke:packaged`.
//   node scripts/smoke-packaged.mjs [--dist DIR] [--timeout SECONDS]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PRODUCT_NAME = 'Epochlab';
export const LINUX_EXECUTABLE = 'epochlab';
export const DEFAULT_TIMEOUT_S = 300;

/**
 * Where electron-builder leaves the unpacked app: `<os>-unpacked` (or `mac`) for x64, with the
 * architecture in the folder name otherwise (`win-arm64-unpacked`, `mac-arm64`).
 */
export function packagedBinary(distDir, platform = process.platform, arch = process.arch) {
  if (platform === 'darwin') {
    const folders = arch === 'x64' ? ['mac', 'mac-universal'] : [`mac-${arch}`, 'mac-universal'];
    return folders.map((folder) => path.join(distDir, folder, `${PRODUCT_NAME}.app`, 'Contents', 'MacOS', PRODUCT_NAME));
  }
  const os = platform === 'win32' ? 'win' : 'linux';
  const folder = arch === 'x64' ? `${os}-unpacked` : `${os}-${arch}-unpacked`;
  return [path.join(distDir, folder, platform === 'win32' ? `${PRODUCT_NAME}.exe` : LINUX_EXECUTABLE)];
}

/** Runs the binary's smoke test; resolves with the exit status to use and one line saying why. */
export async function smokePackaged({ binary, timeoutMs = DEFAULT_TIMEOUT_S * 1000, extraArgs = [] }) {
  const work = mkdtempSync(path.join(tmpdir(), 'epochlab-smoke-report-'));
  const reportFile = path.join(work, 'report.json');
  // Chromium refuses to run as root with its sandbox on; CI runners and desktops are not root.
  const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  try {
    const child = spawn(binary, ['--smoke-test', `--smoke-test-report=${reportFile}`, ...sandbox, ...extraArgs], { stdio: ['ignore', 'inherit', 'inherit'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const exit = await new Promise((resolve) => {
      child.once('error', (error) => resolve({ code: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    clearTimeout(timer);
    if (exit.error) return { status: 1, line: `smoke test: cannot start ${binary}: ${exit.error.message}` };
    if (timedOut) return { status: 1, line: `smoke test: ${binary} did not finish within ${timeoutMs / 1000} s and was killed` };
    let report = null;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8'));
    } catch {
      /* no report: said below */
    }
    const how = exit.code === null ? `was killed by ${exit.signal}` : `exited ${exit.code}`;
    if (!report) return { status: 1, line: `smoke test: ${binary} ${how} without writing a report` };
    if (!report.ok) return { status: 1, line: `smoke test failed (${how}): ${report.failure}` };
    if (exit.code !== 0) return { status: 1, line: `smoke test: the report says ok but the app ${how}` };
    const fuses = typeof report.fuses === 'string' ? report.fuses : Object.entries(report.fuses).map(([k, v]) => `${k} ${v}`).join(', ');
    return { status: 0, line: `smoke test passed in ${report.seconds} s: Epochlab ${report.version} on ${report.platform}-${report.arch}, run ${report.run.status} on ${report.backend?.name}; ${report.window}; fuses: ${fuses}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const distDir = path.resolve(option('--dist', path.join(ROOT, 'dist')));
  const candidates = packagedBinary(distDir);
  const binary = candidates.find((file) => existsSync(file));
  if (!binary) {
    console.error(`smoke test: no packaged app at ${candidates.join(' or ')}; run npm run dist first`);
    process.exit(1);
  }
  const result = await smokePackaged({ binary, timeoutMs: Number(option('--timeout', DEFAULT_TIMEOUT_S)) * 1000 });
  (result.status === 0 ? console.log : console.error)(result.line);
  process.exit(result.status);
}
