import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { get, post, randomText } from '../support.js';

/**
 * Pipelined requests of mixed kinds (GET, POST with a body, GET with a query, POST with an empty
 * body) delivered one byte per segment: every request boundary, and every boundary inside one,
 * lands between two reads. All must be answered, in order, each with its own body.
 */
export default defineScenario({
  name: 'h1/pipelining-byte-by-byte',
  description: 'a pipeline of mixed GET/POST requests delivered 1 byte per segment; responses in order',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [1, 1], coalesce: [0, 0], stallChance: [0, 0.01] }, serverToClient: CHOPPY },
  async run({ connect, responses, check, rng }) {
    const conn = connect();
    const expected: Array<{ status: number; body: string }> = [];
    let wire = '';
    for (let i = 0; i < 6; i++) {
      switch (rng.int(0, 3)) {
        case 0:
          wire += get('/hello');
          expected.push({ status: 200, body: 'hello, world\n' });
          break;
        case 1: {
          const b = `#${i}:` + randomText(rng.int(1, 60), rng);
          wire += post('/echo', b, 'Content-Type: text/plain\r\n');
          expected.push({ status: 200, body: b });
          break;
        }
        case 2: {
          const ms = rng.int(0, 30);
          wire += get(`/slow?ms=${ms}`);
          expected.push({ status: 200, body: `slept ${ms} ms\n` });
          break;
        }
        default:
          wire += post('/echo', '');
          expected.push({ status: 200, body: '' });
      }
    }
    await conn.client.write(wire);
    const got = await responses(conn, expected.length);
    check(got.length === expected.length, `expected ${expected.length} responses, got ${got.length}`);
    got.forEach((r, i) => {
      check(r.status === expected[i]!.status, `response ${i}: status ${r.status}`);
      check(r.body.toString() === expected[i]!.body, `response ${i} body ${JSON.stringify(r.body.toString())} expected ${JSON.stringify(expected[i]!.body)}`);
    });
  },
});
