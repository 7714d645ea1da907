import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { randomText } from '../support.js';
import { checkAnswers, hostileHits } from './hostile-support.js';

/**
 * A middlebox that flips bits in request heads. Three connections each send GET /headers (which
 * answers the fields it parsed, as JSON) with a few fields of their own. A flipped bit may break
 * the syntax (400 and close), change the method (501), the path (404), the version (505, or an
 * HTTP/1.0 request), lose Host (400) or just change a name or value. A 200 must then show the
 * fields sent, except for what the flips explain: each may change one value, or rename one
 * field (which then is missing, and is new or joins a field of the new name, comma-separated),
 * so at most two fields differ and one is new per flip. The server may not drop, invent or mix
 * up fields beyond that. Untouched connections get the exact fields.
 */
export default defineScenario({
  name: 'hostile/corrupt-headers',
  description: 'bits flipped in request heads: GET /headers echoes the fields exactly, off by the flips, or is refused cleanly',
  faults: { clientToServer: { ...CHOPPY, maxSegment: [16, 1500], hostile: { corrupt: [0.2, 0.8] } }, serverToClient: CHOPPY },
  async run({ sim, connect, responses, check, rng }) {
    await Promise.all([0, 1, 2].map(async (n) => {
      const conn = connect();
      const fields: Array<[string, string]> = [['host', 'sim']];
      for (let i = 0; i < rng.int(1, 5); i++) fields.push([`x-field-${n}-${i}`, randomText(rng.int(1, 40), rng)]);
      const head = `GET /headers HTTP/1.1\r\n${fields.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
      await conn.client.write(head);
      const got = await responses(conn, 1);
      const echoed = (r: { body: Buffer }): Record<string, string> | null => {
        try {
          return JSON.parse(r.body.toString('utf8')) as Record<string, string>;
        } catch {
          return null;
        }
      };
      const exact = JSON.stringify(Object.fromEntries(fields));
      await checkAnswers(check, sim, conn, got, [{ status: 200, body: exact }], (r) => {
        const parsed = echoed(r);
        if (parsed === null) return false;
        const differing = fields.filter(([name, value]) => parsed[name] !== value).length;
        const invented = Object.keys(parsed).filter((name) => !fields.some(([n]) => n === name)).length;
        const flips = hostileHits(sim, conn.c2s);
        return differing <= 2 * flips && invented <= flips;
      });
    }));
  },
});
