// Integration tests run real worker threads, which load the bundled worker (out/node/worker.js): build it
// once per test run so tests never exercise a stale bundle.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
}
