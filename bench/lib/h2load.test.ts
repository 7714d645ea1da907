import { describe, expect, it } from 'vitest';
import { h2loadProblems, parseH2load } from './h2load.js';

const SAMPLE = `finished in 4.00s, 68970.00 req/s, 2.57MB/s
requests: 275880 total, 276392 started, 275880 done, 275880 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 275881 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 10.28MB (10778614) total`;

describe('h2load output', () => {
  it('reads the rate, the request counts and the status classes', () => {
    expect(parseH2load(SAMPLE)).toEqual({ requestsPerSec: 68970, bytesPerSec: 10778614 / 4, durationSec: 4, trafficBytes: 10778614, total: 275880, succeeded: 275880, failed: 0, errored: 0, timeout: 0, status2xx: 275881, statusOther: 0 });
    expect(h2loadProblems(parseH2load(SAMPLE)!)).toEqual([]);
  });

  it('flags failures, errors and non-2xx answers, and refuses output it cannot read', () => {
    const bad = SAMPLE.replace('0 failed, 0 errored', '3 failed, 2 errored').replace('0 4xx', '7 4xx');
    expect(h2loadProblems(parseH2load(bad)!)).toEqual(['3 requests failed', '2 requests errored', '7 responses were not 2xx']);
    expect(parseH2load('connect error')).toBeNull();
    expect(parseH2load(SAMPLE.replace(/traffic.*/, ''))).toBeNull();
  });

  it('reads durations h2load prints in milliseconds', () => {
    const r = parseH2load(SAMPLE.replace('finished in 4.00s', 'finished in 250.5ms'))!;
    expect(r.durationSec).toBeCloseTo(0.2505, 6);
    expect(r.bytesPerSec).toBeCloseTo(10778614 / 0.2505, 0);
  });
});
