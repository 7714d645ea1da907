import { createHash } from 'node:crypto';
import { defineProxyScenario, patternBytes } from './support.js';

export default defineProxyScenario({
  name: 'proxy/tls-curl-h2-slicer',
  description: 'curl --http2 over TLS: the handshake and a 300 KB download through 1..199-byte slices and 40 ms latency',
  protocol: 'h2-tls',
  expect: 'curl negotiates h2, exits 0 with status 200 and the exact bytes',
  toxics: [
    { type: 'slicer', stream: 'downstream', attributes: { average_size: 100, size_variation: 99, delay: 0 } },
    { type: 'latency', stream: 'upstream', attributes: { latency: 40, jitter: 0 } },
  ],
  async run(ctx) {
    const r = await ctx.curl('/bytes/300000');
    ctx.note(`curl exit ${r.exitCode} status ${r.status} ${r.body.length} B in ${r.ms.toFixed(0)} ms ${r.stderr.trim()}`);
    ctx.check(r.exitCode === 0, `curl exit ${r.exitCode}: ${r.stderr.trim()}`);
    ctx.check(r.status === 200, `status ${r.status}`);
    ctx.check(r.httpVersion === '2', `curl used HTTP/${r.httpVersion}, not HTTP/2`);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    ctx.check(sha(r.body) === sha(patternBytes(0, 300_000)), `checksum mismatch on ${r.body.length} bytes`);
  },
});
