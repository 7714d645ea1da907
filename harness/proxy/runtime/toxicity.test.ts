import { afterEach, describe, expect, it } from 'vitest';
import type { ToxicDecision } from '../model.js';
import { connect, echo, sleep, startProxy, startUpstream, toxic, waitFor, type TestProxy } from './test-support.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function echoProxy(seed: string): Promise<TestProxy> {
  const upstream = await startUpstream(echo);
  const proxy = await startProxy(upstream.port, seed);
  cleanups.push(upstream.close, proxy.close);
  return proxy;
}

const draws = (ds: ToxicDecision[]) => ds.filter((d) => d.kind === 'toxicity').map((d) => `${d.connection}/${d.direction}/${d.toxic}:${d.active}`);

/**
 * 20 connections, one after another, through a downstream limit_data 0 at toxicity 0.5: an active
 * toxic closes the connection on the echo with 0 bytes, an inactive one lets the echo through.
 */
async function run(seed: string): Promise<{ decisions: boolean[]; observed: boolean[] }> {
  const proxy = await echoProxy(seed);
  proxy.rt.addToxic(toxic('limit_data', 'downstream', { bytes: 0 }, 0.5));
  const observed: boolean[] = [];
  for (let i = 0; i < 20; i++) {
    const c = await connect(proxy.port);
    c.socket.write('ping');
    await waitFor(() => c.received().length === 4 || c.closedAt !== null, 3000);
    observed.push(c.received().length === 0);
    c.socket.destroy();
    await c.closed;
  }
  const decisions = proxy.decisions.filter((d) => d.kind === 'toxicity');
  expect(decisions.map((d) => d.connection)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  for (const d of decisions) expect(d.active).toBe(d.value < 0.5);
  return { decisions: decisions.map((d) => d.active!), observed };
}

describe('toxicity (reference §6)', () => {
  it('a fixed seed gives the same per-connection decisions on two runs, a mix of both, and they are what happens', async () => {
    const a = await run('fixed-seed-1');
    const b = await run('fixed-seed-1');
    expect(b.decisions).toEqual(a.decisions);
    expect(a.observed).toEqual(a.decisions);
    expect(b.observed).toEqual(b.decisions);
    const active = a.decisions.filter(Boolean).length;
    expect(active).toBeGreaterThan(0);
    expect(active).toBeLessThan(20);
  });

  it('toxicity 0 never acts, 1 always; the decision is per direction and stable across requests', async () => {
    const proxy = await echoProxy('s');
    proxy.rt.addToxic(toxic('latency', 'upstream', { latency: 200 }, 0, 'never'));
    proxy.rt.addToxic(toxic('noop', 'downstream', {}, 1, 'always'));
    const c = await connect(proxy.port);
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      c.socket.write('x');
      await waitFor(() => c.received().length === i + 1);
      expect(performance.now() - t).toBeLessThan(190);
    }
    expect(draws(proxy.decisions)).toEqual(['1/upstream/never:false', '1/downstream/always:true']);
    c.socket.destroy();
  });

  it('re-draws as Toxiproxy restarts stubs: update the toxic; add re-draws the previous last; remove re-draws the one before', async () => {
    const proxy = await echoProxy('redraw');
    proxy.rt.addToxic(toxic('noop', 'downstream', {}, 0.5, 'a'));
    const c = await connect(proxy.port);
    await sleep(20);
    expect(draws(proxy.decisions)).toHaveLength(1);
    proxy.rt.addToxic(toxic('noop', 'downstream', {}, 0.5, 'b'));
    await sleep(20); // links apply changes independently: keep the log's order readable
    proxy.rt.addToxic(toxic('noop', 'upstream', {}, 0.5, 'u'));
    await sleep(20);
    proxy.rt.updateToxic(toxic('noop', 'downstream', {}, 0.5, 'b'));
    await sleep(20);
    proxy.rt.removeToxic('b');
    await sleep(20);
    proxy.rt.removeToxic('a');
    await sleep(20);
    expect(draws(proxy.decisions).map((s) => s.replace(/:.*/, ''))).toEqual([
      '1/downstream/a', // connection setup
      '1/downstream/b', // b added ...
      '1/downstream/a', // ... restarts a, the previous last
      '1/upstream/u', // the first toxic of a direction restarts nothing
      '1/downstream/b', // update
      '1/downstream/a', // b removed: a (before it) restarts
      // a removed: the head of the chain is not a toxic, nothing to draw
    ]);
    // Values come from the link's own stream: the same seed gives the same values.
    const again = await echoProxy('redraw');
    again.rt.addToxic(toxic('noop', 'downstream', {}, 0.5, 'a'));
    const c2 = await connect(again.port);
    await sleep(20);
    expect(again.decisions[0]!.value).toBe(proxy.decisions[0]!.value);
    expect(proxy.decisions.every((d) => d.at >= 0 && d.proxy === 'p1')).toBe(true);
    c.socket.write('still works');
    await waitFor(() => c.received().toString() === 'still works');
    c.socket.destroy();
    c2.socket.destroy();
  });
});
