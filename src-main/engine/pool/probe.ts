/**
 * Probing the backends loads them — for tfjs-node-gpu that means CUDA and native code that can crash the
 * process. So the main thread (the app's, the server's) never probes: a short-lived trainer does — a worker
 * thread, or a process of its own under process isolation — with the same bundle that trains, and answers
 * what loads there.
 */
import type { BackendProbe, ProbeReply } from '../../contract';
import { describeDeath } from './death';
import type { TrainerKind } from './trainer';

export function probeBackendsIn(kind: TrainerKind, timeoutMs = 60_000): Promise<BackendProbe[]> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void trainer.terminate().catch(() => undefined);
      finish();
    };
    const trainer = kind.start({
      message: (message) => {
        const reply = message as unknown as ProbeReply;
        if (reply.type === 'probes') done(() => resolve(reply.probes));
      },
      death: (death) => done(() => reject(new Error(`probing the backends failed: ${describeDeath(death, kind.isolation).reason}`))),
    });
    const timer = setTimeout(() => done(() => reject(new Error(`probing the backends took over ${timeoutMs / 1000} s`))), timeoutMs);
    trainer.probe();
  });
}
