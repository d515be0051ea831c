/**
 * One way to call the API from an untrusted front door (HTTP in src-main/server, IPC in src-main/app): look the
 * method up, hand the input to the services' API (which validates it, once, in services/api.ts), and turn every
 * outcome into an InvokeResult. Nothing thrown escapes, and unexpected errors never reach the caller with their
 * details.
 */
import { ApiError, isApiMethod, type ApiMethod, type ApiOutputs, type ApiRawInput, type EpochlabApi } from '../contract/api';
import type { InvokeResult } from '../contract/transport';

export const INTERNAL_ERROR_MESSAGE = 'internal error (details are in the Epochlab log)';

/** Told about errors that are not ApiErrors, so the front door can log them where the user can find them. */
export type UnexpectedErrorHandler = (method: string, error: unknown) => void;

function call<M extends ApiMethod>(api: EpochlabApi, method: M, unchecked: unknown): Promise<ApiOutputs[M]> {
  const fn: (input: ApiRawInput<M>) => Promise<ApiOutputs[M]> = api[method];
  // The services' API validates whatever it is given; the cast only says this is what the caller sent.
  return fn.call(api, unchecked as ApiRawInput<M>);
}

export function errorResult(error: unknown, method: string, onUnexpected?: UnexpectedErrorHandler): InvokeResult & { ok: false } {
  if (error instanceof ApiError) return { ok: false, error: error.toBody().error };
  onUnexpected?.(method, error);
  return { ok: false, error: { code: 'failed', message: INTERNAL_ERROR_MESSAGE } };
}

export async function invokeApi(
  api: EpochlabApi,
  method: unknown,
  rawInput: unknown,
  onUnexpected?: UnexpectedErrorHandler,
): Promise<InvokeResult> {
  if (typeof method !== 'string' || !isApiMethod(method)) {
    return { ok: false, error: { code: 'not-found', message: `unknown method: ${typeof method === 'string' ? method.slice(0, 64) : typeof method}` } };
  }
  try {
    const value = await call(api, method, rawInput);
    return { ok: true, value };
  } catch (error) {
    return errorResult(error, method, onUnexpected);
  }
}

/** A short, log-safe description of an error: its message, never a stack or the objects it carries. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
