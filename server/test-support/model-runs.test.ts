import { afterEach, describe, expect, it } from 'vitest';
import { modelRuns } from './model-runs.js';

const saved = { runs: process.env['AERONET_MODEL_RUNS'], seed: process.env['AERONET_MODEL_SEED'] };
afterEach(() => {
  for (const [name, value] of [['AERONET_MODEL_RUNS', saved.runs], ['AERONET_MODEL_SEED', saved.seed]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('modelRuns', () => {
  it('takes the defaults, or the environment, and grows the timeout with the runs', () => {
    delete process.env['AERONET_MODEL_RUNS'];
    delete process.env['AERONET_MODEL_SEED'];
    expect(modelRuns({ runs: 1000, seed: 7, msPerRun: 10 })).toEqual({ runs: 1000, seed: 7, timeoutMs: 60_000 });
    process.env['AERONET_MODEL_RUNS'] = '20000';
    process.env['AERONET_MODEL_SEED'] = '123456';
    expect(modelRuns({ runs: 1000, seed: 7, msPerRun: 10 })).toEqual({ runs: 20000, seed: 123456, timeoutMs: 800_000 });
  });

  it('refuses a value that is not a positive integer rather than checking nothing', () => {
    for (const bad of ['abc', '0', '-3', '1.5', '1e99']) {
      process.env['AERONET_MODEL_RUNS'] = bad;
      expect(() => modelRuns({ runs: 1, seed: 1, msPerRun: 1 })).toThrow(/AERONET_MODEL_RUNS must be an integer from 1/);
    }
    delete process.env['AERONET_MODEL_RUNS'];
    process.env['AERONET_MODEL_SEED'] = '99999999999';
    expect(() => modelRuns({ runs: 1, seed: 1, msPerRun: 1 })).toThrow(/AERONET_MODEL_SEED must be an integer from 1 to 2147483647/);
  });
});
