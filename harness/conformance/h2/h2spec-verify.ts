import { ErrorCode, errorCodeName } from '../../../server/http2/frames/constants.js';
import type { ReceivedFrame } from '../../h2/raw-h2-client.js';
import { connectionError, type Expectation } from './verify.js';

/*
 * h2spec 2.6.0's verdicts (spec/verifier.go, spec/connection.go), as Expectations for watch().
 * What h2spec's reader does, and what each rule below follows from:
 *
 * - Conn.WaitEvent reads one frame. EOF and ECONNRESET are "Connection closed" (a close only
 *   between frames: EOF inside one is io.ErrUnexpectedEOF, a read error), a read deadline is a
 *   timeout, and any other read error (a frame Go cannot parse) ends the case too: each sets
 *   conn.Closed, so the loops below stop there. watch() does the same.
 * - The Verify*Error loops go on past frames that do not decide (an RST_STREAM or GOAWAY with
 *   another code included) until one does, the connection closes (which passes) or the wait
 *   times out (which fails).
 * - Conn.WaitEventByType returns the first frame of the type asked for: that one frame decides.
 *   Frames of other types are passed over; a close or a timeout before it fails. Verify*Frame*
 *   (HEADERS, SETTINGS ACK, PING ACK, DATA) are built on it, and so are 6.9.1's GOAWAY and
 *   RST_STREAM checks: a GOAWAY with another code fails them, a close does not pass them.
 *
 * h2spec's timeout is per read (2 s without a frame); ours is per wait (2 s in all), which bounds
 * a case against a server that keeps talking. The strict overlays are ours (--strict asks for the
 * code the RFC names before any close); h2spec's -S only adds its strict-only case.
 */

const names = (codes: readonly number[]) => codes.map(errorCodeName).join(' or ');

/** VerifyConnectionError: GOAWAY with one of `codes`, or the connection closed. */
export const verifyConnectionError = connectionError;

/**
 * VerifyStreamError: RST_STREAM (on any stream: h2spec does not look at the id) or GOAWAY with
 * one of `codes`, or the connection closed; other codes are passed over. Strict: the first
 * GOAWAY decides by its code, and a close without one fails.
 */
export function verifyStreamError(...codes: number[]): Expectation {
  const rst = (f: ReceivedFrame) => (f.type === 'RST_STREAM' && codes.includes(f.errorCode) ? true : undefined);
  return {
    expected: `RST_STREAM or GOAWAY frame (error code: ${names(codes)}), or the connection closed`,
    judge: (f) => (f.type === 'GOAWAY' ? (codes.includes(f.errorCode) ? true : undefined) : rst(f)),
    onClose: true,
    strict: {
      expected: `RST_STREAM or GOAWAY frame (error code: ${names(codes)})`,
      judge: (f) => (f.type === 'GOAWAY' ? codes.includes(f.errorCode) : rst(f)),
      onClose: false,
    },
  };
}

/**
 * VerifyConnectionClose: the connection closed; frames before the close do not matter, and no
 * close within the timeout fails (RFC 9113 §5.4.1: "After sending the GOAWAY frame for an error
 * condition, the endpoint MUST close the TCP connection").
 */
export function verifyConnectionClose(): Expectation {
  return { expected: 'the connection closed', judge: () => undefined, onClose: true };
}

/**
 * VerifyStreamClose: a DATA or HEADERS frame with END_STREAM (on any stream), or RST_STREAM with
 * NO_ERROR. Used where a case needs a closed stream before it goes on.
 */
export function verifyStreamClose(): Expectation {
  return {
    expected: 'a DATA or HEADERS frame with END_STREAM, or RST_STREAM (error code: NO_ERROR): the stream closed',
    judge: (f) => ((f.type === 'DATA' || f.type === 'HEADERS') && f.endStream) || (f.type === 'RST_STREAM' && f.errorCode === ErrorCode.NO_ERROR) ? true : undefined,
    onClose: false,
  };
}

/** Conn.WaitEventByType: the first frame of `type` decides by `decide`; anything else is passed over. */
export function waitEventByType<T extends ReceivedFrame['type']>(type: T, expected: string, decide: (f: Extract<ReceivedFrame, { type: T }>) => boolean = () => true): Expectation {
  return {
    expected,
    judge: (f) => (f.type === type ? decide(f as Extract<ReceivedFrame, { type: T }>) : undefined),
    onClose: false,
  };
}

/** VerifyEventType: any frame of `type`. */
export function verifyEventType(type: ReceivedFrame['type']): Expectation {
  return waitEventByType(type, `${type} frame`);
}

/** VerifyHeadersFrame: the first HEADERS frame is on `streamId` (a response, as h2spec reads it). */
export function verifyHeadersFrame(streamId: number): Expectation {
  return waitEventByType('HEADERS', `HEADERS frame (stream_id:${streamId})`, (f) => f.streamId === streamId);
}

/** VerifySettingsFrameWithAck: the first SETTINGS frame has ACK. */
export function verifySettingsFrameWithAck(): Expectation {
  return waitEventByType('SETTINGS', 'SETTINGS frame with ACK flag', (f) => f.ack);
}

const show = (b: Buffer) => (/^[\x20-\x7e]*\x00*$/.test(b.toString('latin1')) ? JSON.stringify(b.toString('latin1').replace(/\x00+$/, '')) : `0x${b.toString('hex')}`);

/** VerifyPingFrameWithAck: the first PING frame is an ACK carrying `data`. */
export function verifyPingFrameWithAck(data: Buffer): Expectation {
  return waitEventByType('PING', `PING frame with ACK flag, opaque data ${show(data)}`, (f) => f.ack && f.opaque.equals(data));
}

/**
 * VerifyPingFrameOrConnectionClose: a PING ACK carrying `data`, or the connection closed; other
 * frames (a GOAWAY with any code included) are passed over.
 */
export function verifyPingFrameOrConnectionClose(data: Buffer): Expectation {
  return {
    expected: `PING frame with ACK flag (opaque data ${show(data)}), or the connection closed`,
    judge: (f) => (f.type === 'PING' && f.ack && f.opaque.equals(data) ? true : undefined),
    onClose: true,
  };
}

/** The first frame the server sends decides (h2spec's 3.5/1 and generic/1/1 read one event). */
export function firstFrame(expected: string, decide: (f: ReceivedFrame) => boolean): Expectation {
  return { expected, judge: decide, onClose: false };
}

/** WaitEventByType(GOAWAY) whose code must be `code` (http2/6.9.1/2): another code fails, a close too. */
export function goawayWithCode(code: number): Expectation {
  return waitEventByType('GOAWAY', `GOAWAY frame (error code: ${errorCodeName(code)})`, (f) => f.errorCode === code);
}

/**
 * WaitEventByType(RST_STREAM) whose code must be `code` on `streamId` (http2/6.9.1/3). As in
 * h2spec, the first RST_STREAM decides, and one on another stream passes (its switch only checks
 * the code when the id matches); a GOAWAY is passed over and a close fails.
 */
export function rstStreamWithCode(streamId: number, code: number): Expectation {
  return waitEventByType('RST_STREAM', `RST_STREAM frame on stream ${streamId} (error code: ${errorCodeName(code)})`, (f) => f.streamId !== streamId || f.errorCode === code);
}
