import { defineNetemScenario, runTool } from './support.js';

export default defineNetemScenario({
  name: 'netem/h2load-loss',
  description: 'h2load: 400 requests on 4 connections x 8 streams (h2c) over 1 % loss and 10 ms delay each way',
  protocol: 'h2c',
  expect: 'every request succeeds (h2load counts no failed or errored request) under load and loss',
  link: () => ({ clientToServer: { delayMs: 10, lossPct: 1 }, serverToClient: { delayMs: 10, lossPct: 1 } }),
  async run(ctx) {
    const r = await runTool('h2load', ['-n', '400', '-c', '4', '-m', '8', `http://${ctx.target.host}:${ctx.target.port}/hello`], 90_000);
    const line = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(r.output);
    ctx.note(line ? line[0] : `h2load exit ${r.code}: ${r.output.slice(-500)}`);
    ctx.check(line !== null, `no h2load summary (exit ${r.code}): ${r.output.slice(-500)}`);
    ctx.check(line![4] === '400' && line![5] === '0' && line![6] === '0', `h2load: ${line![0]}`);
  },
});
