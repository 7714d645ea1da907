import { describe, expect, it } from 'vitest';
import { connect, waitFor } from '../runtime/test-support.js';
import { api, echoUpstream, errorBody, expectApiError, faultProxy, proxyTo } from './test-support/api-fixtures.js';
import type { FaultProxy } from '../fault-proxy.js';

async function withProxy(): Promise<FaultProxy> {
  const fp = await faultProxy();
  await api(fp, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: 'x:1', enabled: false });
  return fp;
}

describe('POST /proxies/{proxy}/toxics (reference §3, §4)', () => {
  it('answers 200 with every attribute of the type, zeros by default, in Toxiproxy\'s key order', async () => {
    const fp = await withProxy();
    const r = await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100 } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
    const all: [string, string][] = [
      ['bandwidth', '{"rate":0}'],
      ['slow_close', '{"delay":0}'],
      ['timeout', '{"timeout":0}'],
      ['reset_peer', '{"timeout":0}'],
      ['slicer', '{"average_size":1,"size_variation":0,"delay":0}'],
      ['limit_data', '{"bytes":0}'],
      ['noop', '{}'],
    ];
    for (const [type, attributes] of all) {
      const body = type === 'slicer' ? { type, attributes: { average_size: 1 } } : { type };
      const t = await api(fp, 'POST', '/proxies/p/toxics', body);
      expect(t.body, type).toBe(`{"attributes":${attributes},"name":"${type}_downstream","type":"${type}","stream":"downstream","toxicity":1}`);
    }
  });

  it('stream is parsed case-insensitively and echoed as sent; the default name uses it', async () => {
    const fp = await withProxy();
    const r = await api(fp, 'POST', '/proxies/p/toxics', { type: 'timeout', stream: 'UpStream' });
    expect(r.json()).toMatchObject({ name: 'timeout_UpStream', stream: 'UpStream' });
    // It is an upstream toxic: listed before downstream ones.
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'noop', name: 'd1' });
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'noop', name: 'u2', stream: 'upstream' });
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'noop', name: 'd2', stream: 'DOWNSTREAM' });
    const list = (await api(fp, 'GET', '/proxies/p/toxics')).json() as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['timeout_UpStream', 'u2', 'd1', 'd2']);
    const proxy = (await api(fp, 'GET', '/proxies/p')).json() as { toxics: { name: string }[] };
    expect(proxy.toxics.map((t) => t.name)).toEqual(['timeout_UpStream', 'u2', 'd1', 'd2']);
  });

  it('error catalogue, in Toxiproxy\'s check order', async () => {
    const fp = await withProxy();
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'noop', name: 'taken', stream: 'upstream' });
    const cases: [unknown, number, string][] = [
      ['', 400, 'bad request body: EOF'],
      ['{"type":', 400, 'bad request body: unexpected EOF'],
      [{ type: 'latency', toxicity: 'x' }, 400, 'bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32'],
      [{ type: 'latency', attributes: 5 }, 400, 'bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic'],
      [{ type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'latency', stream: '' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'bogus', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'down' }, 400, 'invalid toxic type'],
      [{ type: '' }, 400, 'invalid toxic type'],
      [{ type: 'Latency' }, 400, 'invalid toxic type'],
      [{ type: 'constructor' }, 400, 'invalid toxic type'],
      [{ type: 'latency', name: 'taken' }, 409, 'toxic already exists'],
      [{ type: 'latency', name: 'taken', attributes: { latency: 1.5 } }, 409, 'toxic already exists'],
      [{ type: 'latency', attributes: { latency: 1.5 } }, 400, 'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64'],
      [{ type: 'latency', attributes: { jitter: '10' } }, 400, 'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.jitter of type int64'],
      [{ type: 'limit_data', attributes: { bytes: 9223372036854775808 } }, 400, 'bad request body: json: cannot unmarshal number 9223372036854775808 into Go struct field LimitDataToxic.attributes.bytes of type int64'],
      [{ type: 'slicer', attributes: { average_size: 1, delay: 1e3 } }, 400, 'bad request body: json: cannot unmarshal number 1e3 into Go struct field SlicerToxic.attributes.delay of type int'],
    ];
    for (const [body, status, message] of cases) {
      // JSON.stringify would print 1e3 as 1000 and lose 2^63: keep those literals as written.
      const text = typeof body === 'string' ? body : JSON.stringify(body).replace('"delay":1000', '"delay":1e3').replace('9223372036854776000', '9223372036854775808');
      expectApiError(await api(fp, 'POST', '/proxies/p/toxics', text), status, message, text);
    }
    expect((await api(fp, 'POST', '/proxies/none/toxics', '{')).body).toBe(errorBody('proxy not found', 404));
    expect((await api(fp, 'GET', '/proxies/none/toxics')).body).toBe(errorBody('proxy not found', 404));
    expectApiError(await api(fp, 'GET', '/proxies/p/toxics/none'), 404, 'toxic not found');
    expect((await api(fp, 'PATCH', '/proxies/p/toxics/none', '')).body).toBe(errorBody('toxic not found', 404));
    expect((await api(fp, 'DELETE', '/proxies/p/toxics/none')).body).toBe(errorBody('toxic not found', 404));
    expect((await api(fp, 'DELETE', '/proxies/none/toxics/taken')).body).toBe(errorBody('proxy not found', 404));
  });

  it('attributes are exact int64 (negatives accepted, unknown keys ignored), case-insensitive, null is the default', async () => {
    const fp = await withProxy();
    const r = await api(fp, 'POST', '/proxies/p/toxics', '{"TYPE":"limit_data","Attributes":{"BYTES":9223372036854775807,"other":[1,{"x":2}]},"toxicity":null} and then {');
    expect(r.body).toBe('{"attributes":{"bytes":9223372036854775807},"name":"limit_data_downstream","type":"limit_data","stream":"downstream","toxicity":1}');
    const n = await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', name: 'neg', attributes: { latency: -5, jitter: null } });
    expect(n.body).toBe('{"attributes":{"latency":-5,"jitter":0},"name":"neg","type":"latency","stream":"downstream","toxicity":1}');
  });

  it('toxicity is a float32 printed in Go\'s shortest form, with no range check', async () => {
    const fp = await withProxy();
    const cases: [string, string][] = [['0.2', '0.2'], ['0.1', '0.1'], ['2', '2'], ['-1', '-1'], ['0.333333333333', '0.33333334'], ['1e-7', '1e-7'], ['0', '0']];
    for (const [i, [sent, printed]] of cases.entries()) {
      const r = await api(fp, 'POST', '/proxies/p/toxics', `{"type":"noop","name":"t${i}","toxicity":${sent}}`);
      expect(r.body, sent).toContain(`"toxicity":${printed}}`);
    }
    const over = await api(fp, 'POST', '/proxies/p/toxics', '{"type":"noop","name":"big","toxicity":1e39}');
    expect(over.body).toBe(errorBody('bad request body: json: cannot unmarshal number 1e39 into Go struct field ToxicWrapper.toxicity of type float32', 400));
  });

  it('answers 400 for values the real server crashes on (our divergence, toxic-limits.ts)', async () => {
    const fp = await withProxy();
    const cases: [unknown, string][] = [
      [{ type: 'bandwidth', attributes: { rate: -1 } }, 'invalid bandwidth attributes: rate must not be negative, got -1 (Toxiproxy 2.12 crashes on a negative rate)'],
      [{ type: 'slicer' }, 'invalid slicer attributes: average_size must be at least 1, got 0 (Toxiproxy 2.12 recurses forever)'],
      [{ type: 'slicer', attributes: { average_size: 10, size_variation: 10 } }, 'invalid slicer attributes: size_variation must be less than average_size, got size_variation 10 and average_size 10 (Toxiproxy 2.12 can cut a chunk at a negative offset and crash)'],
    ];
    for (const [body, message] of cases) expect((await api(fp, 'POST', '/proxies/p/toxics', body)).body).toBe(errorBody(message, 400));
    // What is odd but works upstream stays accepted.
    expect((await api(fp, 'POST', '/proxies/p/toxics', { type: 'bandwidth', attributes: { rate: 0 } })).status).toBe(200);
    expect((await api(fp, 'POST', '/proxies/p/toxics', { type: 'slicer', attributes: { average_size: 10, size_variation: 9 } })).status).toBe(200);
    // And a PATCH cannot sneak them in.
    const patch = await api(fp, 'PATCH', '/proxies/p/toxics/bandwidth_downstream', { attributes: { rate: -3 } });
    expect(patch.status).toBe(400);
    expect((await api(fp, 'GET', '/proxies/p/toxics/bandwidth_downstream')).json()).toMatchObject({ attributes: { rate: 0 } });
  });
});

describe('PATCH and DELETE /proxies/{proxy}/toxics/{toxic} (reference §4)', () => {
  it('PATCH (and POST) decode partial attributes onto the current ones; toxicity kept when omitted; name/type/stream fixed', async () => {
    const fp = await withProxy();
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', name: 'l', stream: 'UPSTREAM', toxicity: 0.5, attributes: { latency: 100, jitter: 5 } });
    const a = await api(fp, 'PATCH', '/proxies/p/toxics/l', { attributes: { jitter: 10 }, name: 'other', type: 'noop', stream: 'downstream' });
    expect(a.status).toBe(200);
    expect(a.body).toBe('{"attributes":{"latency":100,"jitter":10},"name":"l","type":"latency","stream":"UPSTREAM","toxicity":0.5}');
    const b = await api(fp, 'POST', '/proxies/p/toxics/l', { toxicity: 0.2 });
    expect(b.body).toBe('{"attributes":{"latency":100,"jitter":10},"name":"l","type":"latency","stream":"UPSTREAM","toxicity":0.2}');
    expect((await api(fp, 'PATCH', '/proxies/p/toxics/l', '')).body).toBe(errorBody('bad request body: EOF', 400));
    // A type error changes nothing (Toxiproxy would keep the latency written before the error).
    const bad = await api(fp, 'PATCH', '/proxies/p/toxics/l', '{"attributes":{"latency":7,"jitter":"x"}}');
    expect(bad.body).toBe(errorBody('bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.jitter of type int64', 400));
    expect((await api(fp, 'GET', '/proxies/p/toxics/l')).json()).toMatchObject({ attributes: { latency: 100, jitter: 10 } });
    const type = await api(fp, 'PATCH', '/proxies/p/toxics/l', '{"attributes":5}');
    expect(type.body).toBe(errorBody('bad request body: json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic', 400));
  });

  it('a toxic added to a live connection applies at once, its PATCH too, and DELETE flushes what it holds (204)', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    const c = await connect(port);
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', name: 'slow', attributes: { latency: 5000 } });
    await api(fp, 'PATCH', '/proxies/p/toxics/slow', { attributes: { latency: 6000 } });
    const sent = performance.now();
    c.socket.write('held');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received().length).toBe(0);
    const d = await api(fp, 'DELETE', '/proxies/p/toxics/slow');
    expect([d.status, d.body]).toEqual([204, '']);
    await waitFor(() => c.received().toString() === 'held', 2000);
    expect(performance.now() - sent).toBeLessThan(2000);
    c.socket.destroy();
  });
});
