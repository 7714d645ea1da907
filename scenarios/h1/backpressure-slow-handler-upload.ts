import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { sleep } from '../../server/core/sleep.js';
import { patternBytes } from '../../server/demo/demo-routes.js';

/**
 * Request-side backpressure: a handler that reads a large upload slowly (it waits longer than
 * bodyMs between reads) makes the server stop reading from the socket. That silence is the
 * server's own doing, so bodyMs must not turn it into a 408; and the server must not buffer the
 * whole upload meanwhile (the client's writes must block on a full window). At the end the
 * handler has every byte, in order.
 */
const BODY_MS = 500;
const SIZE = 300_000;

export default defineScenario({
  name: 'h1/backpressure-slow-handler-upload',
  description: `a ${SIZE}-byte upload read by a handler that pauses > bodyMs ${BODY_MS} between reads: no 408, intact`,
  faults: { clientToServer: { ...CHOPPY, maxSegment: [256, 4096], windowBytes: [2048, 32768] }, serverToClient: CHOPPY },
  server: {
    timeouts: { bodyMs: BODY_MS },
    handler: async (req, res) => {
      let total = 0;
      let mismatch = -1;
      let reads = 0;
      for await (const chunk of req.body) {
        const expected = patternBytes(total, chunk.length);
        if (mismatch < 0 && !chunk.equals(expected)) mismatch = total;
        total += chunk.length;
        // A slow consumer: every few reads it stops for longer than bodyMs.
        if (++reads % 8 === 1) await sleep(req.clock, BODY_MS * 2, req.signal);
      }
      await res.json({ total, mismatch, reads });
    },
  },
  differential: { skip: 'installs its own aeronet handler, which has no node:http twin' },
  async run({ sim, connect, responses, check }) {
    const conn = connect();
    await conn.client.write(`POST /upload HTTP/1.1\r\nHost: sim\r\nContent-Length: ${SIZE}\r\n\r\n`);
    const started = sim.clock.time;
    let blockedWrites = 0;
    for (let off = 0; off < SIZE; off += 16_384) {
      const before = sim.clock.time;
      await conn.client.write(patternBytes(off, Math.min(16_384, SIZE - off)));
      if (sim.clock.time - before >= BODY_MS) blockedWrites++;
    }
    const got = await responses(conn, 1);
    check(got.length === 1 && got[0]!.status === 200, `expected 200, got ${got.map((r) => `${r.status} ${r.body.toString()}`).join(',') || 'nothing'}`);
    const result = JSON.parse(got[0]!.body.toString()) as { total: number; mismatch: number; reads: number };
    check(result.total === SIZE, `the handler read ${result.total} bytes of ${SIZE}`);
    check(result.mismatch === -1, `the upload was corrupted at byte ${result.mismatch}`);
    check(blockedWrites > 0, `no client write ever blocked for bodyMs over ${sim.clock.time - started} ms: the server buffered the upload instead of pushing back`);
  },
});
