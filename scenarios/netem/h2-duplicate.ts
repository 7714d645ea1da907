import { defineNetemScenario, mustComplete, patternBytes } from './support.js';

export default defineNetemScenario({
  name: 'netem/h2-duplicate',
  description: 'HTTP/2: 5 % of packets duplicated each way (10 ms delay): uploads and downloads on 8 streams',
  protocol: 'h2c',
  expect: 'TCP drops the duplicates: every stream exact, no frame seen twice by the server',
  link: () => ({ clientToServer: { delayMs: 10, duplicatePct: 5 }, serverToClient: { delayMs: 10, duplicatePct: 5 } }),
  async run(ctx) {
    const client = ctx.h2();
    const bodies = Array.from({ length: 4 }, (_, k) => patternBytes(k, ctx.rng.int(1, 100_000)));
    const ups = bodies.map((b) => client.request({ method: 'POST', path: '/echo', body: b, timeoutMs: 30_000 }));
    const downs = [1, 2, 3, 4].map((k) => client.request({ path: `/bytes/${k * 50_000}`, timeoutMs: 30_000 }));
    (await Promise.all(ups)).forEach((r, k) => mustComplete(ctx, `POST /echo ${bodies[k]!.length}`, r, bodies[k]!));
    (await Promise.all(downs)).forEach((r, k) => mustComplete(ctx, `GET /bytes/${(k + 1) * 50_000}`, r, patternBytes(0, (k + 1) * 50_000)));
  },
});
