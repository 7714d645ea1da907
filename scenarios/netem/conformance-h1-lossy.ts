import { aeronetCli } from '../../harness/proxy/layer/serve-process.js';
import { defineNetemScenario, runTool } from './support.js';

export default defineNetemScenario({
  name: 'netem/conformance-h1-lossy',
  description: 'the HTTP/1.1 conformance suite (aeronet conformance h1) across 2 % loss and 20 % reordering over 15 ms delay',
  protocol: 'h1',
  expect: 'every case passes across the lossy, reordering link, as it does on a clean one',
  limitMs: 180_000,
  link: () => ({ clientToServer: { delayMs: 15, lossPct: 2, reorderPct: 20 }, serverToClient: { delayMs: 15, lossPct: 2, reorderPct: 20 } }),
  async run(ctx) {
    const r = await runTool(process.execPath, [aeronetCli(), 'conformance', 'h1', '--host', ctx.target.host, '--port', String(ctx.target.port), '--path', '/hello', '--echo-path', '/echo', '--timeout', '8000'], 170_000);
    const summary = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(r.output);
    ctx.note(summary ? `conformance h1: ${summary[0]}` : `conformance h1 exit ${r.code}: ${r.output.slice(-800)}`);
    ctx.check(summary !== null && summary[2] === '0' && r.code === 0, `conformance h1 across the link: ${summary?.[0] ?? 'no summary'}; ${r.output.split('\n').filter((l) => /FAIL/.test(l)).slice(0, 5).join(' | ')}`);
  },
});
