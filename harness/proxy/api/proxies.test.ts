import { describe, expect, it } from 'vitest';
import { connect, waitFor } from '../runtime/test-support.js';
import { api, busyPort, echoUpstream, errorBody, expectApiError, faultProxy, freePort, proxyTo } from './test-support/api-fixtures.js';

interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: unknown[];
}
const portOf = (listen: string): number => Number(listen.split(':').pop());

async function echoes(port: number, text = 'ping'): Promise<boolean> {
  const c = await connect(port);
  c.socket.write(text);
  await waitFor(() => c.received().length >= text.length || c.closedAt !== null, 3000);
  const ok = c.received().toString() === text;
  c.socket.destroy();
  await c.closed;
  return ok;
}

describe('POST /proxies and GET (reference §3, §4)', () => {
  it('creates with 201 in Toxiproxy\'s key order, Logger included; listen is the bound address', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/proxies', { name: 'p1', listen: 'localhost:0', upstream: '127.0.0.1:9', toxics: [{ x: 1 }], extra: true });
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toMatch(/^\{"name":"p1","listen":"127\.0\.0\.1:\d+","upstream":"127\.0\.0\.1:9","enabled":true,"Logger":\{\},"toxics":\[\]\}$/);
    const listen = (r.json() as ProxyJson).listen;
    expect((await api(fp, 'GET', '/proxies/p1')).body).toBe(r.body);
    expect(listen).not.toBe('127.0.0.1:0');
  });

  it('a disabled proxy reports listen as given until it first starts, then keeps the bound address', async () => {
    const fp = await faultProxy();
    const created = (await api(fp, 'POST', '/proxies', { name: 'd', listen: 'localhost:0', upstream: 'x:1', enabled: false })).json() as ProxyJson;
    expect(created).toMatchObject({ listen: 'localhost:0', enabled: false });
    const on = (await api(fp, 'PATCH', '/proxies/d', { enabled: true })).json() as ProxyJson;
    expect(on.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    const off = (await api(fp, 'PATCH', '/proxies/d', { enabled: false })).json() as ProxyJson;
    expect(off).toMatchObject({ listen: on.listen, enabled: false });
    const again = (await api(fp, 'PATCH', '/proxies/d', { enabled: true })).json() as ProxyJson;
    expect(again.listen).toBe(on.listen);
  });

  it('an empty listen binds [::]:<port> (or 0.0.0.0 without IPv6)', async () => {
    const fp = await faultProxy();
    const p = (await api(fp, 'POST', '/proxies', { name: 'any', listen: '', upstream: 'x:1' })).json() as ProxyJson;
    expect(p.listen).toMatch(/^(\[::\]|0\.0\.0\.0):\d+$/);
  });

  it('GET /proxies is an object with sorted keys', async () => {
    const fp = await faultProxy();
    for (const name of ['b', 'a', 'C']) await api(fp, 'POST', '/proxies', { name, upstream: 'x:1', enabled: false });
    const r = await api(fp, 'GET', '/proxies');
    expect(Object.keys(r.json() as object)).toEqual(['C', 'a', 'b']);
    expect(r.body.startsWith('{"C":{"name":"C","listen":"","upstream":"x:1","enabled":false,"Logger":{},"toxics":[]}')).toBe(true);
  });

  it('the body is decoded like Go: first value only, case-insensitive names, null keeps the default', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/proxies', '{"NAME":"ci","Upstream":"x:1","ENABLED":false} trailing {garbage');
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ name: 'ci', upstream: 'x:1', enabled: false });
    const n = await api(fp, 'POST', '/proxies', '{"name":"nul","upstream":"x:1","listen":"127.0.0.1:0","enabled":null}');
    expect(n.json()).toMatchObject({ enabled: true });
  });

  it('error catalogue for POST /proxies, in Toxiproxy\'s check order', async () => {
    const fp = await faultProxy();
    const cases: [string, number, string][] = [
      ['', 400, 'bad request body: EOF'],
      ['{"name":', 400, 'bad request body: unexpected EOF'],
      ['nope', 400, "bad request body: invalid character 'o' in literal null (expecting 'u')"],
      ['{"name":1}', 400, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string'],
      ['{"enabled":"yes"}', 400, 'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
      ['{"upstream":"x:1"}', 400, 'missing required field: name'],
      ['{"name":"n"}', 400, 'missing required field: upstream'],
      ['{"name":"n","listen":"local373","upstream":"x:1"}', 500, 'listen tcp: address local373: missing port in address'],
    ];
    for (const [body, status, message] of cases) expectApiError(await api(fp, 'POST', '/proxies', body), status, message, body);
    const busy = await busyPort();
    const bind = await api(fp, 'POST', '/proxies', { name: 'b', listen: `127.0.0.1:${busy}`, upstream: 'x:1' });
    expectApiError(bind, 500, `listen tcp 127.0.0.1:${busy}: bind: address already in use`);
    // Not added after a failed start.
    expect((await api(fp, 'GET', '/proxies/b')).status).toBe(404);
    await api(fp, 'POST', '/proxies', { name: 'dup', upstream: 'x:1', enabled: false });
    expectApiError(await api(fp, 'POST', '/proxies', { name: 'dup', upstream: 'x:1' }), 409, 'proxy already exists');
    expectApiError(await api(fp, 'GET', '/proxies/none'), 404, 'proxy not found');
  });

  it('proxies relay, and a DELETE stops the listener and closes connections (204)', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'e', up.address);
    expect(await echoes(port)).toBe(true);
    const c = await connect(port);
    const d = await api(fp, 'DELETE', '/proxies/e');
    expect([d.status, d.body, d.headers['content-type']]).toEqual([204, '', undefined]);
    await c.closed;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    expect((await api(fp, 'DELETE', '/proxies/e')).body).toBe(errorBody('proxy not found', 404));
  });
});

describe('PATCH /proxies/{proxy} (reference §4 algorithm)', () => {
  it('POST is the same as PATCH; omitted fields keep their values; name and toxics are ignored', async () => {
    const fp = await faultProxy();
    await api(fp, 'POST', '/proxies', { name: 'p', listen: 'localhost:0', upstream: 'x:1', enabled: false });
    const r = await api(fp, 'POST', '/proxies/p', { name: 'renamed', toxics: 5, upstream: 'y:2' });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ name: 'p', listen: 'localhost:0', upstream: 'y:2', enabled: false });
    expect((await api(fp, 'PATCH', '/proxies/p', {})).json()).toMatchObject({ upstream: 'y:2' });
  });

  it('listen localhost:<same port> does not restart: live connections survive', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    const c = await connect(port);
    const r = await api(fp, 'PATCH', '/proxies/p', { listen: `localhost:${port}` });
    expect((r.json() as ProxyJson).listen).toBe(`127.0.0.1:${port}`);
    c.socket.write('still');
    await waitFor(() => c.received().toString() === 'still');
    expect(c.closedAt).toBeNull();
    c.socket.destroy();
  });

  it('an upstream change restarts on the same port and drops existing connections', async () => {
    const fp = await faultProxy();
    const up1 = await echoUpstream();
    const up2 = await echoUpstream();
    const port = await proxyTo(fp, 'p', up1.address);
    const c = await connect(port);
    c.socket.write('a');
    await waitFor(() => c.received().length === 1);
    const r = (await api(fp, 'PATCH', '/proxies/p', { upstream: up2.address })).json() as ProxyJson;
    expect(r).toMatchObject({ listen: `127.0.0.1:${port}`, upstream: up2.address, enabled: true });
    await c.closed;
    expect(await echoes(port)).toBe(true);
    expect(up2.sockets.length).toBe(1);
  });

  it('listen localhost:0 moves the proxy to a new port', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    const moved = (await api(fp, 'PATCH', '/proxies/p', { listen: 'localhost:0' })).json() as ProxyJson;
    expect(portOf(moved.listen)).not.toBe(port);
    expect(moved.enabled).toBe(true);
    expect(await echoes(portOf(moved.listen))).toBe(true);
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a bind failure is a 500 and leaves the proxy disabled with the new listen', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    await proxyTo(fp, 'p', up.address);
    const busy = await busyPort();
    const r = await api(fp, 'PATCH', '/proxies/p', { listen: `127.0.0.1:${busy}` });
    expectApiError(r, 500, `listen tcp 127.0.0.1:${busy}: bind: address already in use`);
    expect((await api(fp, 'GET', '/proxies/p')).json()).toMatchObject({ listen: `127.0.0.1:${busy}`, enabled: false });
  });

  it('an unresolvable listen is a 500 with ResolveTCPAddr\'s text and changes nothing; unknown proxy 404 before the body', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    expectApiError(await api(fp, 'PATCH', '/proxies/p', { listen: 'local373' }), 500, 'address local373: missing port in address');
    expect((await api(fp, 'GET', '/proxies/p')).json()).toMatchObject({ listen: `127.0.0.1:${port}`, enabled: true });
    expect((await api(fp, 'PATCH', '/proxies/none', 'not json')).body).toBe(errorBody('proxy not found', 404));
    expect((await api(fp, 'PATCH', '/proxies/p', '')).body).toBe(errorBody('bad request body: EOF', 400));
  });

  it('disable refuses new connections and closes live ones; toxics survive disable/enable', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const port = await proxyTo(fp, 'p', up.address);
    await api(fp, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 1 } });
    const c = await connect(port);
    await api(fp, 'PATCH', '/proxies/p', { enabled: false });
    await c.closed;
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    const on = (await api(fp, 'PATCH', '/proxies/p', { enabled: true })).json() as ProxyJson;
    expect(on.toxics).toHaveLength(1);
    expect(await echoes(port)).toBe(true);
  });
});

describe('POST /populate (reference §4)', () => {
  it('creates all with 201 {"proxies":[...]}; [] gives {"proxies":null}', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/populate', [
      { name: 'a', listen: '127.0.0.1:0', upstream: 'x:1' },
      { name: 'b', listen: 'localhost:0', upstream: 'x:2', enabled: false },
    ]);
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json');
    const { proxies } = r.json() as { proxies: ProxyJson[] };
    expect(proxies.map((p) => [p.name, p.enabled])).toEqual([['a', true], ['b', false]]);
    expect(proxies[1]!.listen).toBe('localhost:0');
    expect(r.body.startsWith('{"proxies":[{"name":"a","listen":"127.0.0.1:')).toBe(true);
    const empty = await api(fp, 'POST', '/populate', []);
    expect([empty.status, empty.body]).toEqual([201, '{"proxies":null}']);
  });

  it('keeps a proxy with the same resolved listen and upstream (toxics and enabled state too), replaces others', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const keepPort = await proxyTo(fp, 'keep', up.address);
    await api(fp, 'POST', '/proxies/keep/toxics', { type: 'noop' });
    await api(fp, 'PATCH', '/proxies/keep', { enabled: false });
    const replacePort = await proxyTo(fp, 'replace', up.address);
    await api(fp, 'POST', '/proxies/replace/toxics', { type: 'noop' });
    const c = await connect(replacePort);
    const r = await api(fp, 'POST', '/populate', [
      { name: 'keep', listen: `localhost:${keepPort}`, upstream: up.address, enabled: true },
      { name: 'replace', listen: '127.0.0.1:0', upstream: up.address },
    ]);
    expect(r.status).toBe(201);
    const [kept, replaced] = (r.json() as { proxies: ProxyJson[] }).proxies;
    expect(kept).toMatchObject({ name: 'keep', listen: `127.0.0.1:${keepPort}`, enabled: false });
    expect(kept!.toxics).toHaveLength(1);
    expect(replaced!.toxics).toEqual([]);
    expect(portOf(replaced!.listen)).not.toBe(replacePort);
    await c.closed;
  });

  it('validates every entry before creating any: 400 with "at proxy N" and proxies null, as JSON', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/populate', [{ name: 'ok', upstream: 'x:1', listen: '127.0.0.1:0' }, { upstream: 'x:1' }]);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
    const u = await api(fp, 'POST', '/populate', [{ name: 'n' }]);
    expect(u.body).toBe('{"error":"missing required field: upstream at proxy 1","status":400,"proxies":null}');
    expect((await api(fp, 'GET', '/proxies')).body).toBe('{}');
  });

  it('a non-array body is Go\'s type error; syntax errors too, in the JSON shape', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/populate', { name: 'x' });
    expect(r.status).toBe(400);
    expect(r.json()).toEqual({
      error: 'bad request body: json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
      status: 400,
      proxies: null,
    });
    expect((await api(fp, 'POST', '/populate', '[{"name":5}]')).json()).toMatchObject({ error: 'bad request body: json: cannot unmarshal number into Go struct field .name of type string' });
    expect((await api(fp, 'POST', '/populate', '')).body).toBe('{"error":"bad request body: EOF","status":400,"proxies":null}');
  });

  it('stops at the first failure: earlier entries stay applied and are listed, later ones are not tried', async () => {
    const fp = await faultProxy();
    const r = await api(fp, 'POST', '/populate', [
      { name: 'p1', listen: '127.0.0.1:0', upstream: 'x:1' },
      { name: 'p2', listen: 'local373', upstream: 'x:1' },
      { name: 'p3', listen: '127.0.0.1:0', upstream: 'x:1' },
    ]);
    expect(r.status).toBe(500);
    const body = r.json() as { error: string; status: number; proxies: ProxyJson[] };
    expect(Object.keys(body)).toEqual(['error', 'status', 'proxies']);
    expect(body.error).toBe('listen tcp: address local373: missing port in address');
    expect(body.proxies.map((p) => p.name)).toEqual(['p1']);
    expect(Object.keys((await api(fp, 'GET', '/proxies')).json() as object)).toEqual(['p1']);
  });

  it('a bind failure is a 500 in the JSON shape; a proxy it was to replace is left stopped', async () => {
    const fp = await faultProxy();
    const busy = await busyPort();
    await api(fp, 'POST', '/proxies', { name: 'old', listen: '127.0.0.1:0', upstream: 'x:1' });
    const r = await api(fp, 'POST', '/populate', [{ name: 'old', listen: `127.0.0.1:${busy}`, upstream: 'x:1' }]);
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe(`{"error":"listen tcp 127.0.0.1:${busy}: bind: address already in use","status":500,"proxies":null}`);
    expect((await api(fp, 'GET', '/proxies/old')).json()).toMatchObject({ enabled: false, listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });
});

describe('POST /reset (reference §4)', () => {
  it('enables disabled proxies and removes every toxic; 204, body ignored', async () => {
    const fp = await faultProxy();
    await api(fp, 'POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: 'x:1', enabled: false });
    await api(fp, 'POST', '/proxies/a/toxics', { type: 'latency', stream: 'upstream' });
    await api(fp, 'POST', '/proxies/a/toxics', { type: 'noop' });
    const r = await api(fp, 'POST', '/reset', 'ignored {');
    expect([r.status, r.body]).toEqual([204, '']);
    expect((await api(fp, 'GET', '/proxies/a')).json()).toMatchObject({ enabled: true, toxics: [] });
  });

  it('a bind failure aborts with 500', async () => {
    const fp = await faultProxy();
    const busy = await busyPort();
    await api(fp, 'POST', '/proxies', { name: 'a', listen: `127.0.0.1:${busy}`, upstream: 'x:1', enabled: false });
    await api(fp, 'POST', '/proxies', { name: 'b', listen: `127.0.0.1:${await freePort()}`, upstream: 'x:1', enabled: false });
    expectApiError(await api(fp, 'POST', '/reset'), 500, `listen tcp 127.0.0.1:${busy}: bind: address already in use`);
    // 'a' comes first; 'b' was not reached.
    expect((await api(fp, 'GET', '/proxies/b')).json()).toMatchObject({ enabled: false });
  });
});
