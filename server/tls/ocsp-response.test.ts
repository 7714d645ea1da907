import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DerError, readGeneralizedTime, readNode, readOid } from './der-reader.js';
import { findResponseFor, issuerHashes, OcspParseError, parseOcspResponse } from './ocsp-response.js';
import { createTestPki, type TestCa, type TestLeaf, type TestOcspResponse, type TestPki } from './test-support/pki.js';

/**
 * The DER reader and the OCSP response parser against responses made by `openssl ocsp`, each
 * field checked against what openssl's own -resp_text prints; then truncated and garbage input,
 * which must always end in an OcspParseError and never in another exception or a crash.
 */

let pki: TestPki;
let ca: TestCa;
let otherCa: TestCa;
let leaf: TestLeaf;
let good: TestOcspResponse;
let revoked: TestOcspResponse;

beforeAll(() => {
  pki = createTestPki();
  ca = pki.ca('ocsp-ca');
  otherCa = pki.ca('other-ca');
  leaf = pki.leaf(ca, 'stapled', { usage: 'server', san: 'DNS:localhost' });
  good = pki.ocspResponse(ca, leaf, { minutes: 24 * 60 });
  revoked = pki.ocspResponse(ca, leaf, { minutes: 90, revoked: true });
});
afterAll(() => pki?.cleanup());

/** "This Update: Dec  4 01:42:59 2026 GMT" from openssl's -resp_text. */
function opensslTime(text: string, label: string): Date {
  const m = new RegExp(`${label}: (.+ GMT)`).exec(text);
  if (m === null) throw new Error(`no ${label} in openssl's output:\n${text}`);
  return new Date(Date.parse(m[1]!));
}

describe('parseOcspResponse against openssl ocsp -resp_text', () => {
  it('reads status, thisUpdate, nextUpdate, serial and the issuer hashes as openssl does', () => {
    const info = parseOcspResponse(good.der);
    expect(good.text).toContain('OCSP Response Status: successful (0x0)');
    expect(info.status).toBe('successful');
    expect(info.responses).toHaveLength(1);
    const r = info.responses[0]!;
    expect(r.thisUpdate.toISOString()).toBe(opensslTime(good.text, 'This Update').toISOString());
    expect(r.nextUpdate!.toISOString()).toBe(opensslTime(good.text, 'Next Update').toISOString());
    expect(info.producedAt!.toISOString()).toBe(opensslTime(good.text, 'Produced At').toISOString());
    expect(r.nextUpdate!.getTime() - r.thisUpdate.getTime()).toBe(24 * 3600 * 1000);
    expect(r.certStatus).toBe('good');
    expect(good.text).toContain('Cert Status: good');
    expect(r.serialNumber).toBe(/Serial Number: ([0-9A-F]+)/.exec(good.text)![1]);
    expect(r.hashAlgorithm).toBe('sha1');
    expect(r.issuerNameHash.toString('hex').toUpperCase()).toBe(/Issuer Name Hash: ([0-9A-F]+)/.exec(good.text)![1]);
    expect(r.issuerKeyHash.toString('hex').toUpperCase()).toBe(/Issuer Key Hash: ([0-9A-F]+)/.exec(good.text)![1]);
  });

  it('reads a revoked status and a 90-minute validity', () => {
    const r = parseOcspResponse(revoked.der).responses[0]!;
    expect(revoked.text).toContain('Cert Status: revoked');
    expect(r.certStatus).toBe('revoked');
    expect(r.nextUpdate!.getTime() - r.thisUpdate.getTime()).toBe(90 * 60 * 1000);
  });

  it('computes the CertID issuer hashes the way openssl does, and matches the response to its certificate', () => {
    const issuer = new X509Certificate(ca.cert);
    const r = parseOcspResponse(good.der).responses[0]!;
    const mine = issuerHashes(issuer, 'sha1');
    expect(mine.nameHash.equals(r.issuerNameHash)).toBe(true);
    expect(mine.keyHash.equals(r.issuerKeyHash)).toBe(true);
    const info = parseOcspResponse(good.der);
    expect(findResponseFor(info, new X509Certificate(leaf.cert), issuer)).toBe(info.responses[0]);
    // Same serial, another issuer: not ours.
    expect(findResponseFor(info, new X509Certificate(leaf.cert), new X509Certificate(otherCa.cert))).toBeNull();
    const stranger = pki.leaf(otherCa, 'stranger', { usage: 'server' });
    expect(findResponseFor(info, new X509Certificate(stranger.cert), null)).toBeNull();
  });

  it('an error status (here tryLater) has no responses', () => {
    // OCSPResponse { responseStatus ENUMERATED 3 }: what a busy responder sends.
    expect(parseOcspResponse(Buffer.from('30030a0103', 'hex'))).toEqual({ status: 'tryLater', producedAt: null, responses: [] });
  });
});

describe('robustness: truncated and garbage DER', () => {
  it('every truncation of a real response is an OcspParseError naming what is missing', () => {
    for (let n = 0; n < good.der.length; n++) {
      let thrown: unknown = null;
      try {
        parseOcspResponse(good.der.subarray(0, n));
      } catch (err) {
        thrown = err;
      }
      expect(thrown, `prefix of ${n} bytes`).toBeInstanceOf(OcspParseError);
      expect((thrown as Error).message).toMatch(/^not a valid OCSP response: /);
    }
  });

  it('every single-byte corruption either parses or is an OcspParseError, never another error', () => {
    for (let i = 0; i < good.der.length; i++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(good.der);
        bad[i]! ^= flip;
        try {
          parseOcspResponse(bad);
        } catch (err) {
          expect(err, `byte ${i} ^ ${flip}`).toBeInstanceOf(OcspParseError);
        }
      }
    }
  });

  it('random garbage, trailing bytes, BER indefinite lengths and huge lengths are refused', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let k = 0; k < 2000; k++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (k % 97) }, random));
      if (k % 3 === 0) bytes[0] = 0x30;
      expect(() => parseOcspResponse(bytes)).toThrow(OcspParseError);
    }
    expect(() => parseOcspResponse(Buffer.concat([good.der, Buffer.from([0])]))).toThrow(/stray byte/);
    expect(() => parseOcspResponse(Buffer.from('3080', 'hex'))).toThrow(/indefinite length/);
    expect(() => parseOcspResponse(Buffer.from('3085ffffffffff', 'hex'))).toThrow(/5-byte length/);
    expect(() => parseOcspResponse(Buffer.from('308400000003020100', 'hex'))).toThrow(/non-minimal length/);
    expect(() => parseOcspResponse(Buffer.alloc(0))).toThrow(/empty/);
  });
});

describe('DER primitives', () => {
  const node = (hex: string) => readNode(Buffer.from(hex, 'hex'), 0, hex.length / 2, 'x');

  it('GeneralizedTime: Z only, real calendar dates, four-digit years kept as written', () => {
    expect(readGeneralizedTime(node('180f32303236313230343031343235395a')).toISOString()).toBe('2026-12-04T01:42:59.000Z');
    expect(readGeneralizedTime(node('181330303530303130313030303030302e3132335a')).toISOString()).toBe('0050-01-01T00:00:00.123Z');
    // 20260230000000Z: 30 February; 20261204014259+0100: an offset.
    expect(() => readGeneralizedTime(node('180f32303236303233303030303030305a'))).toThrow(DerError);
    expect(() => readGeneralizedTime(node('181332303236313230343031343235392b30313030'))).toThrow(/YYYYMMDDHHMMSSZ/);
  });

  it('OBJECT IDENTIFIER arcs, including multi-byte ones', () => {
    expect(readOid(node('06082b06010505073001'))).toBe('1.3.6.1.5.5.7.48.1');
    expect(readOid(node('0609608648016503040201'))).toBe('2.16.840.1.101.3.4.2.1');
    expect(() => readOid(node('06022b86'))).toThrow(/ends inside an arc/);
  });
});
