import http from 'node:http';
import https from 'node:https';
import { createServer, type AeronetServer } from '../../../../server/server.js';
import { createDemoRouter } from '../../../../server/demo/demo-routes.js';
import { MemoryLogger } from '../../../../server/core/logger.js';
import type { FaultProfile } from '../../../sim/faults.js';
import { simTarget, type ConnectionFaultOverride, type SimTarget } from '../sim-target.js';
import { listenOnLoopback, type RunningServer } from '../../listen-loopback.js';
import type { H1SuiteOptions } from '../run-suite.js';

/** What the suite requests from aeronet's demo routes: GET /hello, POST /echo (echoes the content). */
export const AERONET_PATHS: H1SuiteOptions = { path: '/hello', echoPath: '/echo' };

/** aeronet with the demo routes in a Sim, as a conformance target. */
export function aeronetSimTarget(seed = 1, faults?: { clientToServer?: FaultProfile; serverToClient?: FaultProfile }, connectionFaults?: (n: number) => ConnectionFaultOverride | undefined, splitClientAt: number | null = null): SimTarget<AeronetServer> {
  return simTarget({
    seed,
    splitClientAt,
    ...(faults !== undefined ? { faults } : {}),
    ...(connectionFaults !== undefined ? { connectionFaults } : {}),
    server: (sim) => createServer({ handler: createDemoRouter().handle, clock: sim.clock, compression: false, logger: new MemoryLogger() }),
  });
}

export type { RunningServer };

/** The paths the plain node:http server below answers. */
export const NODE_PATHS: H1SuiteOptions = { path: '/', echoPath: '/echo', missingPath: '/missing' };

/**
 * A plain node:http server on 127.0.0.1 (node:https with `secure`), defaults untouched: once a request's content has ended
 * it answers 404 for /missing, the content itself for /echo, and "<method> <url>\n<content>"
 * (200) for anything else.
 */
export async function startNodeHttp(secure?: { cert: string; key: string }): Promise<RunningServer> {
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '').split('?')[0];
      if (path === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      if (path === '/echo') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.concat([Buffer.from(`${req.method} ${req.url}\n`, 'latin1'), body]));
    });
  };
  const server = secure !== undefined ? https.createServer(secure, handler) : http.createServer(handler);
  return listenOnLoopback(server, secure !== undefined ? 'secureConnection' : 'connection');
}
