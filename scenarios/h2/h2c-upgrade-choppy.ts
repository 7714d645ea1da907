import { defineScenario } from '../../harness/runner/scenario.js';
import { CHOPPY } from '../../harness/sim/faults.js';
import { patternBytes } from '../../server/demo/demo-routes.js';
import { SettingId } from '../../server/http2/frames/constants.js';
import { randomText } from '../support.js';
import { auditFailure, connectH2, describeStream, http2SettingsField } from './h2-support.js';

/**
 * The h2c Upgrade (RFC 7540 §3.2) over choppy links: an HTTP/1.1 request (GET /bytes/N, or a POST
 * /echo with a body) with `Upgrade: h2c`, `Connection: Upgrade, HTTP2-Settings` and an
 * HTTP2-Settings field whose SETTINGS_INITIAL_WINDOW_SIZE (100..5000) is smaller than the answer.
 * The server must answer 101 Switching Protocols, then speak HTTP/2: its SETTINGS, and the
 * response to the upgraded request on stream 1, within the window the HTTP2-Settings gave (the
 * audit starts from it). The client sends its preface after the 101, credits as it reads, and
 * opens stream 3 over HTTP/2 on the same connection.
 */
export default defineScenario({
  name: 'h2/h2c-upgrade-choppy',
  description: 'HTTP/1.1 Upgrade: h2c with HTTP2-Settings over CHOPPY links: 101, then the answer on stream 1 within the upgraded window, then stream 3',
  faults: { clientToServer: CHOPPY, serverToClient: CHOPPY },
  async run({ connect, sim, check, rng }) {
    const window = rng.int(100, 5000);
    const h = connectH2({ connect, sim }, { credit: 'auto', upgrade: true, baseInitialWindow: window });
    const settings = http2SettingsField([[SettingId.INITIAL_WINDOW_SIZE, window], [SettingId.ENABLE_PUSH, 0]]);
    const upgradeFields = `Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: ${settings}\r\n`;
    let expected: Buffer;
    let what: string;
    if (rng.chance(0.5)) {
      const n = rng.int(window + 1, 60_000);
      expected = patternBytes(0, n);
      what = `GET /bytes/${n}`;
      await h.conn.client.write(`GET /bytes/${n} HTTP/1.1\r\nHost: sim.test\r\n${upgradeFields}\r\n`);
    } else {
      expected = Buffer.from(randomText(rng.int(window + 1, 20_000), rng), 'latin1');
      what = `POST /echo of ${expected.length}`;
      await h.conn.client.write(`POST /echo HTTP/1.1\r\nHost: sim.test\r\nContent-Type: text/plain\r\n${upgradeFields}Content-Length: ${expected.length}\r\n\r\n`);
      await h.conn.client.write(expected);
    }
    check(await h.until(() => h.upgradeHead !== null), 'no response head to the upgrade request');
    const head = h.upgradeHead!;
    check(head.startsWith('HTTP/1.1 101 '), `the upgrade was answered ${JSON.stringify(head.split('\r\n')[0])}`);
    check(/\r\nupgrade: h2c\r\n/i.test(head), `the 101 does not say Upgrade: h2c: ${JSON.stringify(head)}`);
    // After the 101 the client's first bytes are the preface (RFC 7540 §3.2, §3.5).
    h.preface([]);
    const s1 = h.view(1);
    check(await h.until(() => !s1.open), `the upgraded request was not answered on stream 1: ${describeStream(s1)}`);
    check(h.serverSettings !== null, 'no SETTINGS from the server after the 101');
    check(s1.status === 200 && s1.ended && s1.body().equals(expected), `${what} on stream 1: ${describeStream(s1)}`);
    check(s1.dataFrames > 1, `${what} came in one DATA frame: the ${window}-octet upgraded window was not applied`);
    h.request(3, 'GET', '/hello');
    const s3 = h.view(3);
    await h.until(() => !s3.open);
    check(s3.status === 200 && s3.body().toString() === 'hello, world\n', `GET /hello on stream 3 after the upgrade: ${describeStream(s3)}`);
    const audit = auditFailure(h);
    check(audit === null, audit!);
    check(h.goaway === undefined, `the server sent GOAWAY: ${h.goaway?.debug.toString()}`);
  },
});
