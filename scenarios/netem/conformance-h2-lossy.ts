import { aeronetCli } from '../../harness/proxy/layer/serve-process.js';
import { defineNetemScenario, runTool } from './support.js';

export default defineNetemScenario({
  name: 'netem/conformance-h2-lossy',
  description: 'the HTTP/2 conformance suite (aeronet conformance h2) across 2 % loss and 20 % reordering over 15 ms delay',
  protocol: 'h2c',
  expect: 'every case passes across the lossy, reordering link, as it does on a clean one',
  limitMs: 240_000,
  link: () => ({ clientToServer: { delayMs: 15, lossPct: 2, reorderPct: 20 }, serverToClient: { delayMs: 15, lossPct: 2, reorderPct: 20 } }),
  async run(ctx) {
    const r = await runTool(process.execPath, [aeronetCli(), 'conformance', 'h2', '--host', ctx.target.host, '--port', String(ctx.target.port), '--path', '/hello', '--post-path', '/echo', '--large-path', '/bytes/100000', '--timeout', '8000'], 230_000);
    const summary = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(r.output);
    ctx.note(summary ? `conformance h2: ${summary[0]}` : `conformance h2 exit ${r.code}: ${r.output.slice(-800)}`);
    ctx.check(summary !== null && summary[2] === '0' && r.code === 0, `conformance h2 across the link: ${summary?.[0] ?? 'no summary'}; ${r.output.split('\n').filter((l) => /FAIL/.test(l)).slice(0, 5).join(' | ')}`);
  },
});
