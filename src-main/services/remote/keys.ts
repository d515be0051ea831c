/** Where the coordinator and the workers meet in Redis besides BullMQ's own keys: one home for the names. */

/** How long a cancel mark stays for a worker that takes the job after the notice (a day). */
export const CANCEL_MARK_SECONDS = 86_400;
/** A worker refreshes its presence this often; it expires after three missed refreshes. */
export const PRESENCE_REFRESH_MS = 5000;
export const PRESENCE_TTL_SECONDS = 15;

export const cancelChannel = (queue: string): string => `epochlab:${queue}:cancel`;
export const cancelKey = (queue: string, jobId: string): string => `epochlab:${queue}:cancelled:${jobId}`;
export const presenceKey = (queue: string, workerId: string): string => `epochlab:${queue}:worker:${workerId}`;
export const presencePattern = (queue: string): string => `epochlab:${queue}:worker:*`;

/**
 * A coordinator keeps this key fresh while it lives; a worker cancels trials whose coordinator's key stayed
 * missing for two checks in a row (the coordinator was killed: nobody would store what they report).
 */
export const COORDINATOR_REFRESH_MS = 3000;
export const COORDINATOR_TTL_SECONDS = 10;
export const coordinatorKey = (queue: string, coordinator: string): string => `epochlab:${queue}:coordinator:${coordinator}`;
