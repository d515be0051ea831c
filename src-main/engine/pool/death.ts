/**
 * Why a trainer died, as a trial's end reason (docs/reliability.md F5): the signal or exit code in words,
 * the line of its output that tells most, and the out-of-memory hint when the classifier recognises one.
 */
import type { Isolation } from '../../contract';
import { classifyOutOfMemory, evidenceOf, outOfMemoryReason } from '../out-of-memory';
import type { TrainerDeath } from './trainer';

const SIGNALS: Readonly<Record<string, string>> = {
  SIGSEGV: 'a memory fault in native code (tfjs-node, TensorFlow or CUDA)',
  SIGBUS: 'a bus error in native code',
  SIGILL: 'an illegal instruction in native code (a library built for another CPU?)',
  SIGFPE: 'an arithmetic fault in native code',
  SIGABRT: 'it aborted (a native library or V8 gave up)',
  SIGTRAP: 'it aborted (a native library or V8 gave up)',
  SIGKILL: 'it was killed, usually by the system because memory ran out',
  SIGTERM: 'something outside Epochlab asked it to stop',
  SIGINT: 'it was interrupted',
};

/**
 * The output line that explains most: the last one about memory, else the last fatal-looking one, else the
 * last one; never a native stack frame (`3: 0xee85e7 v8::…`) or a JavaScript one (`at f (file:1:2)`).
 */
export function tellingLine(output: string): string | null {
  const lines = output
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^\d+: 0x[0-9a-f]+ /i.test(l) && !/^at /.test(l) && !/^[=-]{3,}/.test(l));
  const memory = lines.filter((l) => classifyOutOfMemory({ message: l }) === 'out-of-memory');
  const fatal = lines.filter((l) => /fatal|error|abort|exception|killed|segmentation/i.test(l));
  const line = memory.at(-1) ?? fatal.at(-1) ?? lines.at(-1);
  return line ? (line.length > 300 ? `${line.slice(0, 300)}…` : line) : null;
}

export function describeDeath(death: TrainerDeath, isolation: Isolation): { reason: string; outOfMemory: boolean } {
  if (death.kind === 'error') {
    const evidence = evidenceOf(death.error);
    const verdict = classifyOutOfMemory(evidence);
    const detail = verdict ? `the worker ran out of memory (${death.error.message})` : `the worker crashed: ${death.error.message}`;
    return { reason: outOfMemoryReason(verdict, detail), outOfMemory: verdict !== null };
  }
  const who = isolation === 'process' ? 'the training process' : 'the worker';
  const { code, signal, output } = death;
  let detail = signal
    ? `${who} was ended by ${signal}: ${SIGNALS[signal] ?? 'a signal'}`
    : `${who} exited with code ${code ?? 'unknown'}${code === 137 ? ' (128 + SIGKILL: killed, usually because memory ran out)' : ''}`;
  const line = tellingLine(output);
  if (line) detail += `; its last output: "${line}"`;
  const verdict = classifyOutOfMemory({ signal, exitCode: code, output });
  return { reason: outOfMemoryReason(verdict, detail), outOfMemory: verdict !== null };
}
