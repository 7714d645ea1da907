import type { Response } from '../core/types.js';

/**
 * Add `token` to the response's Vary field unless it (or `*`) is already there, keeping whatever
 * an earlier middleware put in it (`Vary: origin` from CORS, say). RFC 9110 §12.5.5.
 */
export function appendVary(res: Response, token: string): void {
  const vary = res.getHeader('vary');
  if (vary === undefined) {
    res.setHeader('vary', token);
    return;
  }
  const listed = vary.split(',').map((v) => v.trim().toLowerCase());
  if (!listed.includes(token) && !listed.includes('*')) res.appendHeader('vary', token);
}
