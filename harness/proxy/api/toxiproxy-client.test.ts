/**
 * toxiproxy-node-client 4.1.0 (reference §8) against createFaultProxy: every client method, and the
 * status codes it surfaces as `Request failed with status code N`.
 */
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { connect, waitFor } from '../runtime/test-support.js';
import { api, busyPort, echoUpstream, faultProxy } from './test-support/api-fixtures.js';

const status = (n: number): RegExp => new RegExp(`^Request failed with status code ${n}$`);

describe('toxiproxy-node-client against the fault proxy', () => {
  it('createProxy, get, getAll, getVersion, update (POST alias), remove', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const client = new Toxiproxy(fp.url);
    const proxy = await client.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: up.address });
    expect(proxy.name).toBe('redis');
    expect(proxy.enabled).toBe(true);
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    await expect(client.createProxy({ name: 'redis', listen: '127.0.0.1:0', upstream: up.address })).rejects.toThrow(status(409));
    await expect(client.createProxy({ name: '', listen: '127.0.0.1:0', upstream: up.address })).rejects.toThrow(status(400));

    expect((await client.get('redis')).toJson()).toEqual(proxy.toJson());
    await expect(client.get('nope')).rejects.toThrow(status(404));
    const all = await client.getAll();
    expect(Object.keys(all)).toEqual(['redis']);
    expect(all['redis']!.upstream).toBe(up.address);
    expect(await client.getVersion()).toBe('{"version": "2.12.0"}\n');

    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    expect(disabled.listen).toBe(proxy.listen);
    await expect(connect(Number(proxy.listen.split(':')[1]))).rejects.toThrow(/ECONNREFUSED/);
    const busy = await busyPort();
    await expect(proxy.update({ enabled: true, listen: `127.0.0.1:${busy}`, upstream: proxy.upstream })).rejects.toThrow(status(500));

    await proxy.remove();
    await expect(proxy.remove()).rejects.toThrow(status(404));
    expect(await client.getAll()).toEqual({});
  });

  it('populate returns the proxies by name; populate([]) fails in the client as against Toxiproxy', async () => {
    const fp = await faultProxy();
    const client = new Toxiproxy(fp.url);
    const proxies = await client.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
      { name: 'b', listen: 'localhost:0', upstream: '127.0.0.1:2', enabled: false },
    ]);
    expect(Object.keys(proxies).sort()).toEqual(['a', 'b']);
    expect(proxies['b']!.listen).toBe('localhost:0');
    await expect(client.populate([{ name: '', listen: '', upstream: 'x:1' }])).rejects.toThrow(status(400));
    // The server answers {"proxies":null} like Toxiproxy; the client then iterates null.
    await expect(client.populate([])).rejects.toThrow(TypeError);
  });

  it('addToxic, getToxic, toxic.update (POST alias), toxic.remove, reset', async () => {
    const fp = await faultProxy();
    const up = await echoUpstream();
    const client = new Toxiproxy(fp.url);
    const proxy = await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: up.address });
    const body: ICreateToxicBody<Latency> = { name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 0 } };
    const toxic = await proxy.addToxic(body);
    expect(toxic.toJson()).toEqual(body);
    await expect(proxy.addToxic(body)).rejects.toThrow(status(409));
    await expect(proxy.addToxic({ ...body, name: 'd', type: 'down' })).rejects.toThrow(status(400));

    const port = Number(proxy.listen.split(':')[1]);
    const c = await connect(port);
    const t0 = performance.now();
    c.socket.write('x');
    await waitFor(() => c.received().length === 1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);

    const updated = await toxic.update({ ...body, attributes: { latency: 10, jitter: 0 }, toxicity: 0.5 });
    expect(updated.attributes).toEqual({ latency: 10, jitter: 0 });
    expect(updated.toxicity).toBe(0.5);
    expect((await proxy.getToxic<Latency>('lag')).attributes.latency).toBe(10);
    await expect(proxy.getToxic('nope')).rejects.toThrow(status(404));

    await toxic.remove();
    await expect(toxic.remove()).rejects.toThrow(status(404));
    await proxy.addToxic({ ...body, name: 'again' });
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await client.reset();
    const after = await client.get('p');
    expect(after.enabled).toBe(true);
    // The client's Proxy does not keep toxics: ask the server.
    expect((await api(fp, 'GET', '/proxies/p/toxics')).body).toBe('[]');
    c.socket.destroy();
  });
});
