import type { IncomingMessage } from 'node:http';

/**
 * Request bodies are read whole, up to a limit (ours: 1 MiB by default; Toxiproxy reads without a
 * limit within its 15 s read timeout). Past it the request is answered 413 and the connection
 * closed, since the rest of the body is never read.
 */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body too large: the control API reads at most ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      // The client went away before the end: Go's decoder would see `unexpected EOF`.
      if (!req.complete) onError(new Error('request body ended early: the client closed the connection'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
