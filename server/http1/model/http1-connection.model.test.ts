import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ROUTES,
  Divergence,
  Http1ConnectionModel,
  MALFORMED_FAULTS,
  describeMessage,
  headLength,
  serializeMessage,
  type ClientMessage,
  type ClientStep,
  type ExpectedAnswer,
  type RequestMessage,
} from './http1-connection-model.js';
import { SimH1World } from './test-support/sim-h1-world.js';
import { modelRuns } from '../../test-support/model-runs.js';

/**
 * Model-based test of the HTTP/1.1 connection: fast-check generates command sequences (complete
 * requests, requests cut across writes, pipelines, 100-continue with the content sent later or
 * never, Connection: close, HTTP/1.0, half-close, truncated and malformed requests, Upgrade),
 * runs each against aeronet over a simulated socket and against the reference model, and
 * compares after every command. A divergence shrinks to a minimal, readable command sequence.
 *
 * AERONET_MODEL_RUNS and AERONET_MODEL_SEED override the number of runs and the seed.
 */

const { runs: RUNS, seed: SEED, timeoutMs: TIMEOUT_MS } = modelRuns({ runs: 2000, seed: 20240611, msPerRun: 5 });

type Model = Http1ConnectionModel;
type Cmd = fc.AsyncCommand<Model, SimH1World>;

/** The server under test is aeronet with HTTP/2 on, so h2c is the one upgrade it takes. */
const newModel = (): Model => new Http1ConnectionModel({ routes: DEMO_ROUTES, upgrades: ['h2c'] });

/** Ask the model what `step` may bring, let `act` do it to the real connection, compare. */
async function compare(model: Model, world: SimH1World, step: ClientStep, act: () => Promise<void>): Promise<void> {
  const expectation = model.expect(step);
  await act();
  model.accept(step, expectation, world.observe(model.headFlags(expectation)));
}

/**
 * Complete requests, cut into writes at `cuts` (each write followed by quiet), then optionally
 * a prefix of one more request, and a FIN.
 */
class Send implements Cmd {
  constructor(
    readonly messages: readonly ClientMessage[],
    readonly cuts: readonly number[] = [],
    readonly partial: { message: RequestMessage; octets: number } | null = null,
    readonly fin = false,
  ) {}

  check(m: Readonly<Model>): boolean {
    return m.open;
  }

  async run(model: Model, world: SimH1World): Promise<void> {
    const octets = this.messages.map(serializeMessage).join('') + (this.partial === null ? '' : serializeMessage(this.partial.message).slice(0, this.partial.octets));
    const step: ClientStep = { kind: 'send', messages: this.messages, fin: this.fin, ...(this.partial !== null ? { partial: this.partial } : {}) };
    await compare(model, world, step, async () => {
      let from = 0;
      for (const cut of [...this.cuts.filter((c) => c > 0 && c < octets.length), octets.length]) {
        if (cut <= from) continue;
        await world.write(octets.slice(from, cut));
        from = cut;
      }
      if (this.fin) await world.fin();
    });
  }

  toString(): string {
    const what = this.messages.map(describeMessage).join(' | ');
    let s = this.messages.length > 1 ? `pipeline(${what})` : this.messages.length === 1 ? `send(${what})` : '';
    if (this.cuts.length > 0) s += ` split@[${this.cuts.join(' ')}]`;
    if (this.partial !== null) s += `${s ? ' + ' : ''}partial(${describeMessage(this.partial.message)} @${this.partial.octets}/${serializeMessage(this.partial.message).length})`;
    if (this.fin) s += s ? ' + FIN' : 'FIN';
    return s;
  }
}

/** A request with `Expect: 100-continue`: the header section, quiet, then the content, a FIN, or nothing past the content timeout. */
class ExpectContinue implements Cmd {
  constructor(readonly message: RequestMessage, readonly then: 'content' | 'fin' | 'wait') {}

  check(m: Readonly<Model>): boolean {
    return m.open;
  }

  async run(model: Model, world: SimH1World): Promise<void> {
    const octets = serializeMessage(this.message);
    const head = headLength(this.message);
    await compare(model, world, { kind: 'send-head', message: this.message }, () => world.write(octets.slice(0, head)));
    switch (this.then) {
      case 'content':
        await compare(model, world, { kind: 'send-content' }, () => world.write(octets.slice(head)));
        return;
      case 'fin':
        await compare(model, world, { kind: 'fin' }, () => world.fin());
        return;
      case 'wait':
        await compare(model, world, { kind: 'wait-past-content-timeout' }, () => world.wait(SimH1World.contentTimeoutMs + 1_000));
        return;
    }
  }

  toString(): string {
    return `expect-100(${describeMessage(this.message)} then ${this.then})`;
  }
}

// ---- Arbitraries ----

const data = fc.string({ unit: fc.constantFrom(...'abcxyz0123'), maxLength: 8 });
const content = fc.record({ framing: fc.constantFrom('content-length' as const, 'content-length' as const, 'chunked' as const), data });

const request: fc.Arbitrary<RequestMessage> = fc
  .record({
    method: fc.constantFrom('GET' as const, 'HEAD' as const, 'POST' as const, 'POST' as const),
    path: fc.constantFrom('/hello' as const, '/echo' as const, '/missing' as const),
    version: fc.oneof({ arbitrary: fc.constant('1.1' as const), weight: 8 }, { arbitrary: fc.constant('1.0' as const), weight: 1 }),
    content: fc.option(content, { freq: 3 }),
    connection: fc.oneof({ arbitrary: fc.constant(null), weight: 10 }, fc.constant('close' as const), fc.constant('keep-alive' as const)),
    expectContinue: fc.oneof({ arbitrary: fc.constant(false), weight: 7 }, fc.constant(true)),
    upgrade: fc.oneof({ arbitrary: fc.constant(null), weight: 16 }, fc.constant('h2c' as const), fc.constant('websocket' as const)),
  })
  .map((r): RequestMessage => {
    // GET and HEAD mostly without content, POST mostly with.
    const withContent = r.method === 'POST' ? r.content : r.content !== null && r.content.data.length > 6 ? r.content : null;
    // An upgrade offer carries no other connection option and no expectation.
    return r.upgrade !== null
      ? { kind: 'request', ...r, content: withContent, connection: null, expectContinue: false }
      : { kind: 'request', ...r, content: withContent };
  });

/** Requests that leave the connection open: HTTP/1.1 (or 1.0 asking for keep-alive), no close, no expectation, no h2c. */
const keepAliveRequest: fc.Arbitrary<RequestMessage> = request.map((r): RequestMessage => ({
  ...r,
  connection: r.version === '1.0' ? 'keep-alive' : null,
  expectContinue: false,
  upgrade: r.upgrade === 'h2c' ? null : r.upgrade,
  content: r.version === '1.0' && r.content?.framing === 'chunked' ? null : r.content,
}));

const malformed = fc.constantFrom(...MALFORMED_FAULTS).map((fault): ClientMessage => ({ kind: 'malformed', fault }));
const message: fc.Arbitrary<ClientMessage> = fc.oneof({ arbitrary: request, weight: 9 }, { arbitrary: malformed, weight: 1 });

/** Cut points (octet offsets, sorted) for a message list; out-of-range ones are dropped when sent. */
const cutsFor = (messages: readonly ClientMessage[]) => {
  const length = messages.map(serializeMessage).join('').length;
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { minLength: 1, maxLength: 3 }).map((c) => [...c].sort((a, b) => a - b));
};

const sendOne = request.map((m) => new Send([m]));
const sendKeepAlive = keepAliveRequest.map((m) => new Send([m]));
const splitKeepAlive = keepAliveRequest.chain((m) => cutsFor([m]).map((cuts) => new Send([m], cuts)));
const pipelineKeepAlive = fc.array(keepAliveRequest, { minLength: 2, maxLength: 4 }).chain((ms) => fc.option(cutsFor(ms)).map((cuts) => new Send(ms, cuts ?? [])));
const sendSplit = request.chain((m) => cutsFor([m]).map((cuts) => new Send([m], cuts)));
const pipeline = fc.array(message, { minLength: 2, maxLength: 4 }).map((ms) => new Send(ms));
const pipelineSplit = fc.array(request, { minLength: 2, maxLength: 3 }).chain((ms) => cutsFor(ms).map((cuts) => new Send(ms, cuts)));
const sendMalformed = malformed.map((m) => new Send([m]));
const halfClose = fc.array(request, { maxLength: 3 }).map((ms) => new Send(ms, [], null, true));
const truncated = fc
  .tuple(fc.array(request, { maxLength: 2 }), request, fc.integer({ min: 1, max: 1_000 }))
  .map(([before, m, n]) => new Send(before, [], { message: m, octets: 1 + (n % (serializeMessage(m).length - 1)) }, true));
const expectContinue = fc
  .tuple(request, fc.boolean(), content, fc.constantFrom('content' as const, 'content' as const, 'fin' as const, 'wait' as const))
  // Mostly POST /echo, the route that reads the content and so must ask for it with a 100.
  .map(([r, echo, c, then]) => new ExpectContinue({ ...r, ...(echo ? { method: 'POST', path: '/echo' } : {}), content: c, expectContinue: true, upgrade: null }, then));

// Commands that keep the connection open come more often, so sequences get past their first request.
const commands = fc.commands(
  [
    sendKeepAlive, sendKeepAlive, splitKeepAlive, splitKeepAlive, pipelineKeepAlive, pipelineKeepAlive,
    sendOne, sendOne, sendSplit, sendSplit, pipeline, pipeline, pipelineSplit,
    expectContinue, expectContinue, sendMalformed, halfClose, truncated,
  ],
  { maxCommands: 10 },
);

/** One run: a fresh server and connection on a Sim seeded by `simSeed`, `cmds` against both sides. */
const runAgainst = (makeModel: () => Model) =>
  fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), commands, async (simSeed, cmds) => {
    const world = new SimH1World(simSeed);
    await fc.asyncModelRun(() => ({ model: makeModel(), real: world }), cmds);
    await world.teardown();
  });

describe('HTTP/1.1 connection against its RFC 9112 model', () => {
  it(`agrees with the model on ${RUNS} generated command sequences (seed ${SEED})`, async () => {
    await fc.assert(runAgainst(newModel), { seed: SEED, numRuns: RUNS });
  }, TIMEOUT_MS);
});

// ---- The check can fail: wrong models are caught, with short counterexamples ----

/** Forgets RFC 9112 §9.3.2: answers pipelined requests last first. */
class AnswersOutOfOrder extends Http1ConnectionModel {
  protected override order(answers: ExpectedAnswer[]): ExpectedAnswer[] {
    return [...answers].reverse();
  }
}

/** Forgets RFC 9110 §10.1.1: thinks a server answers a withheld-content request at once, never with a 100. */
class ForgetsContinue extends Http1ConnectionModel {
  protected override headOnlyAnswer(m: RequestMessage): ExpectedAnswer {
    return this.answerFor(m);
  }
}

async function counterexampleOf(makeModel: () => Model): Promise<{ commands: string[]; error: unknown }> {
  const result = await fc.check(runAgainst(makeModel), { seed: SEED, numRuns: 300 });
  expect(result.failed).toBe(true);
  const [, cmds] = result.counterexample!;
  const shown = String(cmds);
  return { commands: shown === '' ? [] : shown.split(','), error: result.errorInstance };
}

describe('the model-based check catches a wrong model', () => {
  const options = { routes: DEMO_ROUTES, upgrades: ['h2c' as const] };

  it('one that forgets pipelined responses come in request order, shrunk to one command answering several requests', async () => {
    const { commands, error } = await counterexampleOf(() => new AnswersOutOfOrder(options));
    expect(error).toBeInstanceOf(Divergence);
    expect(commands.length).toBeLessThanOrEqual(2);
    expect(commands.some((c) => c.startsWith('pipeline(') || c.includes(' + '))).toBe(true);
  });

  it('one that forgets the 100-continue rule, shrunk to one expect-100 command', async () => {
    const { commands, error } = await counterexampleOf(() => new ForgetsContinue(options));
    expect(error).toBeInstanceOf(Divergence);
    expect(commands.length).toBeLessThanOrEqual(2);
    expect(commands.at(-1)).toMatch(/^expect-100\(POST \/echo/);
  });
});
