import { HttpError } from './types.js';

/**
 * Reading a whole request body, shared by every RequestBody implementation: collect chunks up to
 * `limit` bytes (413 past it, calling `onOverflow` so the source can stop), and decode it as
 * UTF-8 text or JSON (400 when it is not JSON).
 */
export async function collectBody(chunks: AsyncIterable<Buffer>, limit: number, onOverflow: () => void = () => {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) {
      onOverflow();
      throw new HttpError(413, `request content exceeds ${limit} bytes`);
    }
    parts.push(chunk);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

export function parseJsonBody<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new HttpError(400, 'request content is not valid JSON');
  }
}
