/**
 * The PyTorch peer: Debian's python3-torch through /usr/bin/python3, set up as a user would have it
 * (OpenBLAS, glibc malloc thresholds), either as one command that prints a JSON result, or as a server
 * that answers one JSON line per command so that the bench can alternate its runs with Epochlab's.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { benchDir } from './paths';

export const PYTHON = '/usr/bin/python3';
export const PEER_INSTALL = 'apt-get install -y python3-torch libopenblas0-pthread';

/** Environment that makes Debian's PyTorch use OpenBLAS and keep its memory (issue 4). */
export function peerEnv(threads: number): { env: NodeJS.ProcessEnv; notes: string[] } {
  const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const blasDir = [`/usr/lib/${multiarch}/openblas-pthread`, `/usr/lib/${multiarch}/openblas-openmp`].find((d) => existsSync(d));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1', // torch's own threads do the parallel work; nested BLAS threads only fight them
    OMP_NUM_THREADS: String(threads),
    // glibc returns freed memory to the OS eagerly and mmaps every large tensor anew: each step pays
    // page faults. 32 MiB is the largest mmap threshold glibc accepts on 64-bit.
    MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20),
    MALLOC_TRIM_THRESHOLD_: String(2 ** 30),
    MALLOC_TOP_PAD_: String(256 * 2 ** 20),
  };
  const notes: string[] = [];
  if (blasDir) {
    env.LD_LIBRARY_PATH = [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  } else {
    notes.push('OpenBLAS not found (apt-get install -y libopenblas0-pthread): PyTorch falls back to the reference BLAS and is much slower');
  }
  return { env, notes };
}

/** The line that shows how the peer was set up, for the bench's log. */
export function describeEnv(env: NodeJS.ProcessEnv): string {
  return ['LD_LIBRARY_PATH', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_']
    .map((k) => `${k}=${env[k] ?? ''}`)
    .join(' ');
}

/** Why the peer cannot run here, or null. */
export function peerMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (Debian/Ubuntu: ${PEER_INSTALL})`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status !== 0) return `torch is not importable by ${PYTHON} (${PEER_INSTALL})`;
  return null;
}

export interface PeerDescription {
  torch: string;
  threads: number;
  blas: string[];
  error?: string;
}

/** "OpenBLAS", or the BLAS libraries the peer mapped. */
export function blasName(d: PeerDescription): string {
  return d.blas.some((p) => /openblas/i.test(p)) ? 'OpenBLAS' : d.blas.map((p) => p.split('/').pop()).join(', ') || 'no BLAS mapped';
}

/** A running `peer_pytorch.py --serve`: one command at a time, one JSON answer per command. */
export class PeerServer {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.lines.push(line);
    });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code, signal) => {
      this.exited = `the PyTorch peer exited (${signal ?? `code ${code}`})`;
      this.waiting?.(JSON.stringify({ error: this.exited }));
    });
  }

  static async start(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ peer: PeerServer; description: PeerDescription }> {
    const child = spawn(PYTHON, [join(benchDir(), script), '--serve', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const peer = new PeerServer(child);
    const description = JSON.parse(await peer.next()) as PeerDescription;
    if (description.error) {
      peer.close();
      throw new Error(description.error);
    }
    return { peer, description };
  }

  private next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.exited) return Promise.resolve(JSON.stringify({ error: this.exited }));
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async request<T>(command: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const answer = JSON.parse(await this.next()) as T & { error?: string };
    if (answer.error) throw new Error(`PyTorch peer: ${answer.error}`);
    return answer;
  }

  close(): void {
    this.child.stdin.end();
    if (!this.exited) this.child.kill();
  }
}
