/**
 * The HTTP/1.1 core's own cost per request, with no sockets: requests are fed to an
 * Http1Connection over an in-memory transport whose writes go nowhere. This isolates what the
 * server's JavaScript costs per `GET /hello` from the kernel's share, which wrk cannot separate.
 * Usage: node dist/bench/h1-core.js [requests]
 */
import { createServer } from '../server/server.js';
import { createDemoRouter } from '../server/demo/demo-routes.js';
import { NullTransport, REQUEST } from './lib/null-transport.js';


async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 2_000_000);
  if (!Number.isInteger(total) || total <= 0) throw new Error('usage: h1-core [requests]');
  // One connection carries every request, so lift the per-connection request cap.
  const server = createServer({ handler: createDemoRouter().handle, maxRequestsPerConnection: 2 ** 31 });
  const transport = new NullTransport();
  server.accept(transport);
  // Each request is its own turn with the microtask queue drained after it, as when a socket
  // delivers one read per event-loop callback; batching them would keep every exchange alive
  // until the batch ends and measure the garbage collector instead of the server.
  const feed = async (n: number) => {
    for (let i = 0; i < n; i++) {
      transport.events!.onData(Buffer.from(REQUEST));
      await undefined;
    }
  };
  await feed(200_000); // warm up the JIT
  const start = process.hrtime.bigint();
  await feed(total);
  const ns = Number(process.hrtime.bigint() - start) / total;
  const perResponse = transport.written / (total + 200_000);
  if (perResponse < 100) throw new Error(`responses went missing: ${perResponse} bytes per request`);
  console.log(`h1 core: ${ns.toFixed(0)} ns per GET /hello (${(1e9 / ns).toFixed(0)} req/s on one core, JS only), ${perResponse.toFixed(0)} response bytes each`);
}

void main();
