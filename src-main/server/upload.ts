/**
 * `POST /api/uploads`: one chunk of a browser's upload (contract: HTTP_UPLOADS_PATH). Only
 * application/octet-stream is accepted — a type a foreign page cannot send without a CORS preflight, like
 * the API's JSON (docs/reliability.md C4) — and a chunk announced over the limit is refused before its body
 * is read. The services stream the body into the data folder with the registry's byte limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, MAX_UPLOAD_CHUNK_BYTES, type EpochlabServices } from '../contract';
import { httpStatusFor } from '../contract/transport';
import type { UnexpectedErrorHandler } from '../services/dispatch';
import { sendJson } from './headers';

function refuse(res: ServerResponse, error: ApiError, extra: Record<string, string> = {}): void {
  // A refused body may still be arriving: closing the connection stops the client from sending the rest.
  sendJson(res, httpStatusFor(error.code), error.toBody(), { Connection: 'close', ...extra });
}

export async function handleUploadRequest(
  req: IncomingMessage,
  res: ServerResponse,
  services: EpochlabServices,
  search: string,
  onUnexpected: UnexpectedErrorHandler,
): Promise<void> {
  if (req.method !== 'POST') return refuse(res, new ApiError('invalid', 'uploads accept POST only'), { Allow: 'POST' });
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    const error = new ApiError('invalid', 'an upload is sent as Content-Type: application/octet-stream');
    return sendJson(res, 415, error.toBody(), { Connection: 'close' });
  }
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > MAX_UPLOAD_CHUNK_BYTES) {
    return refuse(res, new ApiError('too-large', `an upload chunk may hold at most ${MAX_UPLOAD_CHUNK_BYTES} bytes`));
  }
  const query = Object.fromEntries(new URLSearchParams(search));
  try {
    sendJson(res, 200, await services.receiveUpload(query, req));
  } catch (error) {
    if (error instanceof ApiError) return refuse(res, error);
    // The client went away mid-chunk: the services rolled the chunk back; there is no one to answer.
    if (req.destroyed || res.destroyed || req.readableAborted) return;
    onUnexpected('upload', error);
    refuse(res, new ApiError('failed', 'the upload could not be stored (details are in the Epochlab log)'));
  }
}
