/**
 * `POST /api/<method>` with a JSON body. Only JSON is accepted: a text/plain or form POST is what a foreign
 * page can send without a CORS preflight (MLflow CVE-2023-43472), so anything else is refused before the
 * body is read or a service is called (docs/reliability.md C4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, isApiMethod, type EpochlabServices } from '../contract/api';
import { jsonTextIssue } from '../contract/input-bounds';
import { httpStatusFor } from '../contract/transport';
import { invokeApi, type UnexpectedErrorHandler } from '../services/dispatch';
import { isClientGone } from './client-gone';
import { sendJson } from './headers';

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

function apiError(res: ServerResponse, status: number, error: ApiError, extra: Record<string, string> = {}): void {
  sendJson(res, status, error.toBody(), extra);
}

export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** Reads at most `limit` bytes; rejects as soon as the body (or its announced length) is over. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export async function handleApiRequest(
  req: IncomingMessage,
  res: ServerResponse,
  services: EpochlabServices,
  pathname: string,
  prefix: string,
  onUnexpected: UnexpectedErrorHandler,
): Promise<void> {
  const method = pathname.slice(prefix.length);
  if (!isApiMethod(method)) return apiError(res, 404, new ApiError('not-found', 'unknown API method'));
  if (req.method !== 'POST') {
    return apiError(res, 405, new ApiError('invalid', 'the API accepts POST only'), { Allow: 'POST' });
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    return apiError(res, 415, new ApiError('invalid', 'the API accepts Content-Type: application/json only'));
  }

  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // Closing the connection stops the client from streaming the rest of a huge body into us.
      return apiError(res, 413, new ApiError('invalid', `request body is larger than ${MAX_BODY_BYTES} bytes`), { Connection: 'close' });
    }
    if (isClientGone(error)) return; // it left before sending its whole body: there is no one to answer
    throw error;
  }

  const text = body.toString('utf8');
  const shape = jsonTextIssue(text);
  if (shape) return apiError(res, 400, new ApiError('invalid', `the request body ${shape}`));
  let raw: unknown;
  try {
    raw = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    return apiError(res, 400, new ApiError('invalid', 'the request body is not valid JSON'));
  }

  const result = await invokeApi(services.api, method, raw, onUnexpected);
  if (result.ok) return sendJson(res, 200, result.value);
  sendJson(res, httpStatusFor(result.error.code), { error: result.error });
}
