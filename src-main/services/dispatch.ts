/**
 * One way to call the API from an untrusted front door (HTTP in src-main/server, IPC in src-main/app): look the method up,
 * validate the input against the contract's schema, call the service, and turn every outcome into an
 * InvokeResult. Nothing thrown escapes, and unexpected errors never reach the caller with their details.
 */
import {
  ApiError, isApiMethod, parseApiInput,
  type ApiInput, type ApiMethod, type ApiOutputs, type EpochlabApi,
} from '../contract/api';
import type { InvokeResult } from '../contract/transport';

export const INTERNAL_ERROR_MESSAGE = 'internal error (details are in the Epochlab log)';

/** Told about errors that are not ApiErrors, so the front door can log them where the user can find them. */
export type UnexpectedErrorHandler = (method: string, error: unknown) => void;

function call<M extends ApiMethod>(api: EpochlabApi, method: M, input: ApiInput<M>): Promise<ApiOutputs[M]> {
  const fn: (input: ApiInput<M>) => Promise<ApiOutputs[M]> = api[method];
  return fn.call(api, input);
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
    const input = parseApiInput(method, rawInput);
    const value = await call(api, method, input);
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
