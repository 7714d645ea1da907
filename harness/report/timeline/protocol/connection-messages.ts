import { CONNECTION_PREFACE_LENGTH } from '../../../../server/http2/frames/constants.js';
import { wireProtocol } from '../../../replay/read-exchange.js';
import { h2FrameMessages } from './h2-frames.js';
import { http1RequestMessages, http1ResponseMessages } from './http1-messages.js';
import { MessageSink, type ProtocolMessage } from './message.js';
import { tlsRecordMessages } from './tls-records.js';

export interface ConnectionMessages {
  /** 'http/1.1', 'h2c', 'h2c-upgrade', 'tls' or 'none' (read-exchange.ts's wireProtocol, plus the upgrade). */
  protocol: string;
  fromClient: ProtocolMessage[];
  fromServer: ProtocolMessage[];
  /** Messages the sinks left out (very long streams). */
  dropped: number;
  notes: string[];
}

/**
 * What one connection's two byte streams say, message by message with offsets: HTTP/1.1 request
 * and status lines, HTTP/2 frames (after the preface, or after an h2c Upgrade), or TLS records.
 * `serverEnded`: the server's direction ended (FIN or RST), so a close-delimited body is complete.
 * `cut`: a direction's bytes stop at the decode limit, not where the stream did: a message cut
 * there is not a fault of the peer, so it is not noted as one.
 */
export function connectionMessages(client: Buffer, server: Buffer, serverEnded: boolean, cut: { client?: boolean; server?: boolean } = {}): ConnectionMessages {
  const c = new MessageSink();
  const s = new MessageSink();
  const notes: string[] = [];
  const note = (n: string | null, who: 'client' | 'server') => {
    if (n !== null && !(cut[who] === true && /after the last complete response|end inside an HTTP\/2 frame/.test(n))) notes.push(`${who}: ${n}`);
  };
  let protocol: string = wireProtocol(client);
  switch (protocol) {
    case 'tls':
      note(tlsRecordMessages(client, c), 'client');
      note(tlsRecordMessages(server, s), 'server');
      break;
    case 'h2c':
      c.add({ start: 0, end: CONNECTION_PREFACE_LENGTH, text: 'HTTP/2 preface' });
      note(h2FrameMessages(client.subarray(CONNECTION_PREFACE_LENGTH), CONNECTION_PREFACE_LENGTH, c), 'client');
      note(h2FrameMessages(server, 0, s), 'server');
      break;
    case 'http/1.1': {
      const requests = http1RequestMessages(client, c);
      note(requests.note, 'client');
      const responses = http1ResponseMessages(server, requests.head, serverEnded, s, cut.server === true);
      note(responses.note, 'server');
      if (requests.h2At !== null) {
        protocol = 'h2c-upgrade';
        const framesAt = requests.h2At + CONNECTION_PREFACE_LENGTH;
        c.add({ start: requests.h2At, end: framesAt, text: 'HTTP/2 preface' });
        note(h2FrameMessages(client.subarray(framesAt), framesAt, c), 'client');
      }
      if (responses.h2At !== null) note(h2FrameMessages(server.subarray(responses.h2At), responses.h2At, s), 'server');
      break;
    }
    default:
      break;
  }
  const fromClient = c.list();
  const fromServer = s.list();
  const dropped = c.dropped + s.dropped;
  if (dropped > 0) notes.push(`${dropped} protocol message(s) in the middle of long streams were not kept`);
  return { protocol, fromClient, fromServer, dropped, notes };
}
