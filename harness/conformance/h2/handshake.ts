import { SettingId } from '../../../server/http2/frames/constants.js';
import type { Setting } from '../../../server/http2/frames/frame.js';
import type { H2Conn } from './target.js';
import { describeOutcome } from './verify.js';

export type HandshakeResult = { ok: true; settings: Map<number, number> } | { ok: false; actual: string };

/**
 * The opening every case but the preface ones starts with (RFC 9113 §3.4, §6.5.3): our preface
 * and SETTINGS, the server's SETTINGS (other frames may come with it), our ACK, and the server's
 * ACK of ours, each within `timeoutMs`. The server's HEADER_TABLE_SIZE bounds our encoder.
 */
export async function handshake(conn: H2Conn, timeoutMs: number, settings: readonly Setting[] = []): Promise<HandshakeResult> {
  const client = conn.client;
  client.preface([...settings]);
  const serverSettings = () => client.frames.find((f) => f.type === 'SETTINGS' && !f.ack);
  if (!(await conn.until(() => serverSettings() !== undefined || conn.closed, timeoutMs)) || serverSettings() === undefined) {
    return { ok: false, actual: `no SETTINGS frame from the server: ${describeOutcome(conn, client.frames, !conn.closed, timeoutMs)}` };
  }
  client.settingsAck();
  const acked = () => client.frames.some((f) => f.type === 'SETTINGS' && f.ack);
  if (!(await conn.until(() => acked() || conn.closed, timeoutMs)) || !acked()) {
    return { ok: false, actual: `the server did not acknowledge our SETTINGS: ${describeOutcome(conn, client.frames, !conn.closed, timeoutMs)}` };
  }
  const found = serverSettings();
  const values = new Map<number, number>();
  if (found !== undefined && found.type === 'SETTINGS') for (const [id, value] of found.settings) values.set(id, value);
  const tableSize = values.get(SettingId.HEADER_TABLE_SIZE);
  if (tableSize !== undefined) client.encoder.setPeerMaxTableSize(tableSize);
  return { ok: true, settings: values };
}
