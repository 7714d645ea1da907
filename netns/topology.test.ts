import { describe, expect, it } from 'vitest';
import { commandLine, topology, topologyPlan } from './topology.js';

describe('topologyPlan', () => {
  const t = topology('r1x', 3);

  it('names everything after the run id, on a /30 that lives only inside the namespaces', () => {
    expect(t).toEqual({ id: 'r1x', client: { ns: 'aeronet-c-r1x', dev: 'acr1x', address: '10.201.3.2' }, server: { ns: 'aeronet-s-r1x', dev: 'asr1x', address: '10.201.3.1' }, prefix: 30 });
    expect(() => topology('With Space')).toThrow('topology id must be 1-10 of a-z 0-9, got "With Space"');
    expect(() => topology('abcdefghijk')).toThrow(/1-10/);
  });

  it('creates the veth ends inside the namespaces (nothing on the host) and shapes each side\'s egress', () => {
    const plan = topologyPlan(t, { clientToServer: { delayMs: 50 }, serverToClient: { delayMs: 50, lossPct: 1, tbf: { rateKbit: 1000, burstBytes: 16_000, latencyMs: 200 } } });
    const lines = plan.setup.map(commandLine);
    expect(lines).toContain('ip link add acr1x netns aeronet-c-r1x type veth peer name asr1x netns aeronet-s-r1x');
    expect(lines).toContain('tc -n aeronet-c-r1x qdisc add dev acr1x root handle 1: netem delay 50ms');
    expect(lines).toContain('tc -n aeronet-s-r1x qdisc add dev asr1x root handle 1: netem delay 50ms loss random 1%');
    expect(lines).toContain('tc -n aeronet-s-r1x qdisc add dev asr1x parent 1:1 handle 10: tbf rate 1000kbit burst 16000 latency 200ms');
    expect(lines.some((l) => l.startsWith('ip link add') && !l.includes('netns'))).toBe(false);
    expect(plan.teardown.map(commandLine)).toEqual(['ip netns pids aeronet-c-r1x', 'ip netns pids aeronet-s-r1x', 'ip netns del aeronet-c-r1x', 'ip netns del aeronet-s-r1x']);
  });

  it('passes per-direction seeds to netem when the running tc has them', () => {
    const plan = topologyPlan(t, { clientToServer: { delayMs: 1 }, serverToClient: { delayMs: 2 } }, { clientToServer: 7, serverToClient: 8 });
    expect(plan.setup.map(commandLine).filter((l) => l.includes('netem'))).toEqual([
      'tc -n aeronet-c-r1x qdisc add dev acr1x root handle 1: netem delay 1ms seed 7',
      'tc -n aeronet-s-r1x qdisc add dev asr1x root handle 1: netem delay 2ms seed 8',
    ]);
  });

  it('refuses parameters tc would refuse, naming the direction', () => {
    expect(() => topologyPlan(t, { serverToClient: { jitterMs: 5 } })).toThrow('serverToClient.jitterMs needs delayMs');
  });

  it('quotes what a shell would split', () => {
    expect(commandLine(['echo', 'a b', "it's"])).toBe(`echo 'a b' 'it'\\''s'`);
  });
});
