/**
 * A client that goes away in the middle of a response or a request body (a reload, a closed tab, a cancelled
 * fetch) is normal, not a server error: its stream ends with one of these, and there is no one left to answer.
 */
const GONE_CODES = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_DESTROYED']);

export function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && GONE_CODES.has(code);
}
