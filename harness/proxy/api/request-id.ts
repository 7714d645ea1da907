import { createHash, randomInt } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * `X-Toxiproxy-Request-Id` values (reference §2): Toxiproxy uses rs/xid, 12 bytes (4 of Unix
 * seconds, 3 of machine id, 2 of pid, 3 of a counter) written as 20 characters of base32hex
 * in lower case ("dc11eotqmd2uh45g2mm0"). Ours are built the same way, so they sort by time too.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const MACHINE = createHash('md5').update(hostname()).digest().subarray(0, 3);
let counter = randomInt(0, 0xffffff);

export function newRequestId(): string {
  const id = Buffer.alloc(12);
  id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
  MACHINE.copy(id, 4);
  id.writeUInt16BE(process.pid & 0xffff, 7);
  counter = (counter + 1) & 0xffffff;
  id.writeUIntBE(counter, 9, 3);
  // 96 bits and 4 padding bits = 20 digits of 5 bits, most significant first.
  let n = BigInt(`0x${id.toString('hex')}`) << 4n;
  let out = '';
  for (let i = 0; i < 20; i++) {
    out = ALPHABET[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}
