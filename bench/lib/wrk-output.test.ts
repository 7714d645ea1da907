import { describe, expect, it } from 'vitest';
import { WrkParseError, parseWrkOutput, wrkProblems, wrkTimeToMs } from './wrk-output.js';

// Real wrk 4.1.0 (Debian 4.1.0-3+b2) reports, captured against small node:http servers.

const CLEAN_WITH_LATENCY = `Running 2s test @ http://127.0.0.1:35891/hello
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.60ms    5.09ms  71.47ms   97.64%
    Req/Sec    72.31k    19.61k   84.89k    90.00%
  Latency Distribution
     50%  790.00us
     75%    0.88ms
     90%    1.16ms
     99%   29.66ms
  143353 requests in 2.00s, 24.20MB read
Requests/sec:  71612.59
Transfer/sec:     12.09MB
`;

const ERRORS_AND_SOCKET_ERRORS = `Running 1s test @ http://127.0.0.1:46023/hello
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   676.07us    2.07ms  34.04ms   96.33%
    Req/Sec    48.68k    22.37k   74.39k    70.00%
  Latency Distribution
     50%  235.00us
     75%  427.00us
     90%    0.98ms
     99%   10.42ms
  48308 requests in 1.00s, 8.01MB read
  Socket errors: connect 0, read 985, write 0, timeout 0
  Non-2xx or 3xx responses: 6901
Requests/sec:  48271.31
Transfer/sec:      8.00MB
`;

const ALL_404_NO_LATENCY_FLAG = `Running 1s test @ http://127.0.0.1:35891/404
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   167.28us  540.99us   9.27ms   96.59%
    Req/Sec    88.50k    22.50k  107.12k    90.00%
  87707 requests in 1.00s, 11.96MB read
  Non-2xx or 3xx responses: 87707
Requests/sec:  87452.43
Transfer/sec:     11.93MB
`;

// Every request timed out: wrk prints zero latencies and "-nan%".
const ALL_TIMEOUTS = `Running 4s test @ http://127.0.0.1:46023/slow
  2 threads and 40 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec    66.17     92.27   190.00     66.67%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  80 requests in 4.01s, 11.09KB read
  Socket errors: connect 0, read 2, write 0, timeout 80
Requests/sec:     19.97
Transfer/sec:      2.77KB
`;

// Latencies in seconds; note wrk pads "1.51s " with a trailing space in the distribution.
const SECONDS = `Running 4s test @ http://127.0.0.1:34445/slow
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.51s     3.57ms   1.51s    75.00%
    Req/Sec     2.00      0.00     2.00    100.00%
  Latency Distribution
     50%    1.51s 
     75%    1.51s 
     90%    1.51s 
     99%    1.51s 
  8 requests in 4.01s, 1.11KB read
Requests/sec:      2.00
Transfer/sec:     283.44B
`;

describe('parseWrkOutput', () => {
  it('parses a clean run with --latency', () => {
    const r = parseWrkOutput(CLEAN_WITH_LATENCY);
    expect(r.url).toBe('http://127.0.0.1:35891/hello');
    expect(r.threads).toBe(1);
    expect(r.connections).toBe(64);
    expect(r.requestsPerSec).toBe(71612.59);
    expect(r.totalRequests).toBe(143353);
    expect(r.durationSec).toBeCloseTo(2.0);
    expect(r.bytesRead).toBeCloseTo(24.2 * 1024 * 1024);
    expect(r.transferPerSecBytes).toBeCloseTo(12.09 * 1024 * 1024);
    expect(r.latency.avgMs).toBeCloseTo(1.6);
    expect(r.latency.stdevMs).toBeCloseTo(5.09);
    expect(r.latency.maxMs).toBeCloseTo(71.47);
    expect(r.latency.withinStdevPct).toBeCloseTo(97.64);
    expect(r.reqPerThread).toEqual({ avg: 72310, stdev: 19610, max: 84890 });
    expect(Object.keys(r.percentilesMs)).toEqual(['50', '75', '90', '99']);
    expect(r.percentilesMs['50']).toBeCloseTo(0.79); // us -> ms
    expect(r.percentilesMs['99']).toBeCloseTo(29.66);
    expect(r.non2xx3xx).toBe(0);
    expect(r.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 0 });
    expect(wrkProblems(r)).toEqual([]);
  });

  it('reads the Non-2xx and Socket errors lines and reports both as problems', () => {
    const r = parseWrkOutput(ERRORS_AND_SOCKET_ERRORS);
    expect(r.non2xx3xx).toBe(6901);
    expect(r.socketErrors).toEqual({ connect: 0, read: 985, write: 0, timeout: 0 });
    expect(r.latency.avgMs).toBeCloseTo(0.67607);
    expect(r.percentilesMs['75']).toBeCloseTo(0.427);
    const problems = wrkProblems(r);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('6901');
    expect(problems[1]).toContain('read 985');
  });

  it('parses a run without --latency (no distribution) where every response was an error', () => {
    const r = parseWrkOutput(ALL_404_NO_LATENCY_FLAG);
    expect(r.percentilesMs).toEqual({});
    expect(r.non2xx3xx).toBe(87707);
    expect(r.reqPerThread?.max).toBe(107120);
    expect(r.latency.maxMs).toBeCloseTo(9.27);
    expect(wrkProblems(r)).toEqual(['87707 error responses (status >= 400)']);
  });

  it('handles "-nan%", unit-less Req/Sec and KB totals when every request timed out', () => {
    const r = parseWrkOutput(ALL_TIMEOUTS);
    expect(r.latency.withinStdevPct).toBeNull();
    expect(r.latency.avgMs).toBe(0);
    expect(r.reqPerThread).toEqual({ avg: 66.17, stdev: 92.27, max: 190 });
    expect(r.bytesRead).toBeCloseTo(11.09 * 1024);
    expect(r.durationSec).toBeCloseTo(4.01);
    expect(r.socketErrors.timeout).toBe(80);
    expect(wrkProblems(r)[0]).toContain('timeout 80');
  });

  it('converts second latencies and byte-only transfer rates', () => {
    const r = parseWrkOutput(SECONDS);
    expect(r.latency.avgMs).toBeCloseTo(1510);
    expect(r.latency.stdevMs).toBeCloseTo(3.57);
    expect(r.latency.maxMs).toBeCloseTo(1510);
    expect(r.percentilesMs['99']).toBeCloseTo(1510);
    expect(r.transferPerSecBytes).toBeCloseTo(283.44);
    expect(r.requestsPerSec).toBe(2);
  });

  it('accepts CRLF line endings', () => {
    expect(parseWrkOutput(CLEAN_WITH_LATENCY.replace(/\n/g, '\r\n')).requestsPerSec).toBe(71612.59);
  });

  it('throws WrkParseError with the output when the report is incomplete', () => {
    const truncated = CLEAN_WITH_LATENCY.split('\n').slice(0, -3).join('\n');
    expect(() => parseWrkOutput(truncated)).toThrow(WrkParseError);
    expect(() => parseWrkOutput(truncated)).toThrow(/Requests\/sec/);
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(WrkParseError);
  });

  it('flags a run that completed no requests', () => {
    const none = ALL_TIMEOUTS.replace('80 requests in', '0 requests in').replace(/^ {2}Socket errors.*\n/m, '');
    expect(wrkProblems(parseWrkOutput(none))).toEqual(['no requests completed']);
  });
});

describe('wrkTimeToMs', () => {
  it('knows every unit wrk prints', () => {
    expect(wrkTimeToMs('250.00', 'us')).toBeCloseTo(0.25);
    expect(wrkTimeToMs('1.50', 'ms')).toBe(1.5);
    expect(wrkTimeToMs('2.00', 's')).toBe(2000);
    expect(wrkTimeToMs('1.00', 'm')).toBe(60000);
    expect(wrkTimeToMs('1.00', 'h')).toBe(3600000);
    expect(() => wrkTimeToMs('1', 'ns')).toThrow();
  });
});
