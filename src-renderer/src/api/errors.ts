/** Every failure a call can end in becomes an ApiError, so views handle one shape (message + field issues). */
import { API_ERROR_CODES, ApiError, type ApiErrorBody, type FieldIssue } from '../contract';

/** The server (or the desktop main process) could not be reached at all: no answer, not a refusal. */
export class UnreachableError extends ApiError {
  constructor(detail: string) {
    super('failed', `Cannot reach the Epochlab server (${detail}).`);
    this.name = 'UnreachableError';
  }
}

/** The server answered but will not serve this browser: no valid sign-in cookie, or a refused Host/Origin. */
export class SignInError extends ApiError {
  constructor(message: string) {
    super('failed', message);
    this.name = 'SignInError';
  }
}

export function isSignInError(error: unknown): error is SignInError {
  return error instanceof SignInError;
}

export function isUnreachable(error: unknown): error is UnreachableError {
  return error instanceof UnreachableError;
}

const CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

/**
 * Reads an error body defensively: it crossed a process or network boundary, so nothing about its shape is
 * trusted. Returns null when `body` is not an ApiErrorBody['error'].
 */
export function errorFromPayload(payload: unknown): ApiError | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { code, message, issues } = payload as Record<string, unknown>;
  if (typeof code !== 'string' || !CODES.has(code) || typeof message !== 'string') return null;
  const clean: FieldIssue[] = [];
  if (Array.isArray(issues)) {
    for (const issue of issues) {
      if (typeof issue !== 'object' || issue === null) continue;
      const { path, message: text } = issue as Record<string, unknown>;
      if (typeof path === 'string' && typeof text === 'string') clean.push({ path, message: text });
    }
  }
  return new ApiError(code as ApiErrorBody['error']['code'], message, clean);
}

/** Anything thrown → ApiError, keeping ApiErrors (and UnreachableErrors) as they are. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError('failed', error.message);
  return new ApiError('failed', String(error));
}
