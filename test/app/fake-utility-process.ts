/**
 * Electron's utilityProcess.fork, emulated with a real Node child (Electron cannot be launched here): the
 * child gets process.parentPort (fixtures/parent-port-shim.cjs), messages are structured clones, and 'exit'
 * carries what Electron reports — the exit status, or the signal's number for a killed process, and 0 after
 * kill(). Good enough to run the real pool and worker bundle through src-main/app/utility-process.ts.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { join } from 'node:path';

const SHIM = join(__dirname, 'fixtures', 'parent-port-shim.cjs');

export function forkUtilityProcess(modulePath: string, args: string[] = [], options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; stdio?: string } = {}) {
  const child = fork(modulePath, args, {
    execArgv: [...(options.execArgv ?? []), '--require', SHIM],
    env: options.env,
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let killed = false;
  const utility = Object.assign(new EventEmitter(), {
    pid: child.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    postMessage: (message: unknown) => {
      if (child.connected) child.send(message as object, () => undefined);
    },
    kill: () => {
      killed = true;
      return child.kill('SIGTERM');
    },
  });
  child.on('message', (message) => utility.emit('message', message));
  child.on('close', (code, signal) => {
    const number = signal ? constants.signals[signal] : (code ?? 0);
    utility.emit('exit', killed && (signal === 'SIGTERM' || signal === 'SIGKILL') ? 0 : number);
  });
  return utility;
}
