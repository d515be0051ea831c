/**
 * Trainers as processes of their own (docs/reliability.md F5): a SIGSEGV in tfjs-node, a CUDA abort or the
 * kernel's out-of-memory kill ends that process and fails only its trial. The process runs the same worker
 * bundle and speaks the same worker messages as a thread. How it is started is a ProcessLauncher:
 * child_process.fork here (CLI, serve), Electron's utilityProcess in the app (src-main/app), so that the
 * engine knows nothing of Electron.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CANCEL_FILE_ARG, type FromWorker, type ProbeReply, type ToWorker } from '../../contract';
import { CancelFile } from './cancel-file';
import type { Trainer, TrainerEvents, TrainerKind } from './trainer';

/** A started training process, as the pool needs it, whatever started it. */
export interface TrainerProcess {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker | ProbeReply) => void): void;
  /** Once, when the process is gone (or could not start: `error`), after its output was read. */
  onExit(listener: (exit: { code: number | null; signal: string | null; error?: string }) => void): void;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface LaunchOptions {
  args: string[];
  execArgv: string[];
  env: NodeJS.ProcessEnv;
}

export type ProcessLauncher = (script: string, options: LaunchOptions) => TrainerProcess;

/** child_process.fork with structured-clone messages and the output piped (it is kept for crash reasons). */
export const forkLauncher: ProcessLauncher = (script, { args, execArgv, env }) => {
  const child = fork(script, args, { execArgv, env, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let error: string | undefined;
  child.on('error', (e) => (error = e.message));
  return {
    send: (message) => {
      // A send to a process that just died fails; its exit is reported on its own.
      if (child.connected) child.send(message, () => undefined);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromWorker | ProbeReply)),
    onExit: (listener) => child.once('close', (code, signal) => listener({ code, signal, error })),
    stdout: child.stdout,
    stderr: child.stderr,
    kill: (signal) => {
      child.kill(signal);
    },
  };
};

export interface ProcessTrainerOptions {
  launch?: ProcessLauncher;
  /** Node options of the training processes (tests: a small heap). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the processes' output goes (it is also kept for crash reasons); default: this process's stderr. */
  forwardOutput?: (text: string) => void;
  /** How long a process asked to stop may take before it is killed. */
  terminateGraceMs?: number;
}

/** The last few KB a process printed: native libraries and V8 print their fatal errors there. */
class OutputTail {
  private text = '';
  constructor(private readonly limit = 8192) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

export function processTrainers(workerScript: string, options: ProcessTrainerOptions = {}): TrainerKind {
  let cellDir: string | null = null;
  let started = 0;
  return {
    isolation: 'process',
    start: (events) => {
      cellDir ??= mkdtempSync(join(tmpdir(), 'epochlab-cancel-'));
      return startProcess(workerScript, options, join(cellDir, `trainer-${++started}`), events);
    },
    dispose: () => {
      if (cellDir) rmSync(cellDir, { recursive: true, force: true });
      cellDir = null;
    },
  };
}

function startProcess(workerScript: string, options: ProcessTrainerOptions, cellPath: string, events: TrainerEvents): Trainer {
  const cancel = CancelFile.create(cellPath);
  const launch = options.launch ?? forkLauncher;
  const forward = options.forwardOutput ?? ((text: string) => process.stderr.write(text));
  const child = launch(workerScript, {
    args: [CANCEL_FILE_ARG, cellPath],
    execArgv: options.execArgv ?? [],
    env: options.env ?? process.env,
  });
  const tail = new OutputTail();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      tail.push(chunk);
      forward(chunk);
    });
  }
  let gone = false;
  let markExited!: () => void;
  const exited = new Promise<void>((resolve) => (markExited = resolve));
  child.onMessage((message) => {
    if (!gone) events.message(message);
  });
  child.onExit(({ code, signal, error }) => {
    cancel.close();
    rmSync(cellPath, { force: true });
    markExited();
    if (gone) return;
    gone = true;
    events.death({ kind: 'exit', code, signal, output: error ? `${tail}\n${error}` : tail.toString() });
  });
  return {
    train: (job) => child.send({ type: 'train', job }),
    probe: () => child.send({ type: 'probe' }),
    requestCancel: (runId) => cancel.write(runId),
    clearCancel: () => cancel.write(0),
    terminate: async () => {
      gone = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.terminateGraceMs ?? 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
