/**
 * bench:sim: request/response exchanges per second through the simulated network with faults on
 * (choppy links: splits, coalescing, latency, jitter, stalls), against the same server on a
 * loopback socket with the same client pattern (one request at a time on keep-alive
 * connections). Not a test: it prints figures. Usage: node dist/bench/sim.js [exchanges]
 */
import net from 'node:net';
import { createServer } from '../server/server.js';
import { createDemoRouter } from '../server/demo/demo-routes.js';
import { Sim } from '../harness/sim/sim.js';
import { CHOPPY } from '../harness/sim/faults.js';
import { parseResponses } from '../harness/http/response-parser.js';

const REQUEST = 'GET /hello HTTP/1.1\r\nHost: bench\r\n\r\n';
const PER_CONNECTION = 20;

async function simExchanges(total: number): Promise<number> {
  let done = 0;
  let seed = 0;
  const started = process.hrtime.bigint();
  while (done < total) {
    const sim = new Sim({ seed: ++seed, faults: { clientToServer: CHOPPY, serverToClient: CHOPPY } });
    const server = createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false });
    const conn = sim.connect((t) => server.accept(t));
    // Count responses incrementally: re-parsing everything received on every delivery would make
    // the benchmark's own client quadratic and measure it instead of the simulation.
    let parsedUpTo = 0;
    let complete = 0;
    const responsesSoFar = () => {
      const { responses, rest } = parseResponses(conn.client.received.subarray(parsedUpTo));
      complete += responses.length;
      parsedUpTo = conn.client.receivedBytes - rest.length;
      return complete;
    };
    const script = (async () => {
      for (let i = 1; i <= PER_CONNECTION; i++) {
        await conn.client.write(REQUEST);
        await conn.client.until(() => responsesSoFar() >= i);
      }
      conn.client.end();
      await conn.client.untilClosed();
    })();
    await sim.run(script);
    await sim.runUntilIdle();
    const got = parseResponses(conn.client.received).responses;
    if (got.length !== PER_CONNECTION || got.some((r) => r.status !== 200)) throw new Error(`seed ${seed}: wrong responses`);
    done += PER_CONNECTION;
  }
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function loopbackExchanges(total: number): Promise<number> {
  const server = createServer({ handler: createDemoRouter().handle, compression: false });
  const { port } = await server.listen({ port: 0, host: '127.0.0.1' });
  let done = 0;
  const started = process.hrtime.bigint();
  try {
    while (done < total) {
      const socket = net.connect({ port, host: '127.0.0.1' });
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      // The same incremental counting as the sim client: only unparsed bytes are parsed again.
      let pending: Buffer = Buffer.alloc(0);
      let complete = 0;
      for (let i = 1; i <= PER_CONNECTION; i++) {
        socket.write(REQUEST);
        await new Promise<void>((resolve) => {
          const onData = (chunk: Buffer) => {
            const { responses, rest } = parseResponses(pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk);
            complete += responses.length;
            pending = rest;
            if (complete >= i) {
              socket.off('data', onData);
              resolve();
            }
          };
          socket.on('data', onData);
        });
      }
      socket.end();
      done += PER_CONNECTION;
    }
  } finally {
    await server.close({ deadlineMs: 2000 });
  }
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 20_000);
  if (!Number.isInteger(total) || total < PER_CONNECTION) throw new Error(`usage: bench:sim [exchanges >= ${PER_CONNECTION}]`);
  await simExchanges(2_000); // warm-up
  const sim = await simExchanges(total);
  const loop = await loopbackExchanges(total);
  console.log(`sim (faults on)  ${Math.round(sim).toLocaleString('en-US')} exchanges/s`);
  console.log(`loopback socket  ${Math.round(loop).toLocaleString('en-US')} exchanges/s`);
  console.log(`sim cost relative to loopback: ${(loop / sim).toFixed(2)}x the time per exchange (target: >= 5,000 exchanges/s in the sim)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
