/**
 * Training processes in the desktop app are Electron utility processes: Electron's own way to run Node in a
 * child (no separate Node binary is shipped), with the same worker bundle as the threads and the CLI's
 * forked processes. This adapter gives the engine's pool the TrainerProcess it expects, so that the engine
 * knows nothing of Electron (docs/reliability.md F5).
 */
import { utilityProcess } from 'electron';
import type { FromWorker, ProbeReply } from '../contract';
import type { ProcessLauncher } from '../engine/pool/process-trainer';

/**
 * Electron reports a child killed by a signal as an exit code equal to the signal's number (it passes on
 * what waitpid gave it). Node's own exit codes overlap some of those numbers, so only signals that a
 * training process never uses as its exit code are read back: 4, 6, 8, 9, 11 (not 7: emscripten exits 7).
 */
const SIGNAL_EXIT_CODES: Readonly<Record<number, string>> = { 4: 'SIGILL', 6: 'SIGABRT', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV' };

export function signalOfUtilityExit(code: number): string | null {
  return SIGNAL_EXIT_CODES[code] ?? null;
}

export const launchUtilityProcess: ProcessLauncher = (script, { args, execArgv, env }) => {
  const child = utilityProcess.fork(script, args, { execArgv, env, stdio: 'pipe', serviceName: 'Epochlab trainer' });
  // V8's fatal errors (its heap running out) come as an 'error' event before the exit.
  let fatal: string | undefined;
  child.on('error', (type: string, location: string, report: string) => {
    fatal = `${type} at ${location}: ${report}`;
  });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: FromWorker | ProbeReply) => listener(message)),
    onExit: (listener) =>
      child.once('exit', (code: number) => {
        const signal = signalOfUtilityExit(code);
        listener({ code: signal ? null : code, signal, error: fatal });
      }),
    stdout: child.stdout,
    stderr: child.stderr,
    kill: (signal) => {
      // utilityProcess.kill() sends SIGTERM; a process that ignores it is killed by its id.
      if (signal === 'SIGKILL' && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      else child.kill();
    },
  };
};
