/**
 * A failure that is the disk's and not the run's (no space left for metrics, checkpoints or resume points)
 * is written so that it is recognised later: `resume` queues such runs again (docs/reliability.md D3).
 */
import { DISK_FULL_FAILURE, diskFullFailure } from '../contract';
import { StoreError } from '../store';

const DISK_FULL = /ENOSPC|EDQUOT|no space left|SQLITE_FULL|disk is full|quota/i;

/** The reason a run failed with, marked as a disk-full failure when it is one. */
export function failureReason(reason: string, cause?: unknown): string {
  if (reason.startsWith(DISK_FULL_FAILURE)) return reason;
  const full = (cause instanceof StoreError && cause.code === 'disk-full') || DISK_FULL.test(reason);
  return full ? diskFullFailure(reason) : reason;
}
