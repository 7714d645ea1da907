import { createHash, type X509Certificate } from 'node:crypto';
import {
  children, contents, DerError, encoding, expectTag, normalizeSerial, readGeneralizedTime, readIntegerHex, readOid, readSmallUnsigned, readTop, Tag, TagClass, type DerNode,
} from './der-reader.js';

/**
 * An OCSP response (RFC 6960 §4.2.1) read far enough to decide whether it may be stapled: the
 * response status, and each SingleResponse's CertID, certificate status, thisUpdate and
 * nextUpdate. The signature is not checked here: the client checks it (that is the point of a
 * signed response), and a server that stapled a response it could not verify harms only itself.
 */

/** RFC 6960 §4.2.1 OCSPResponseStatus; 4 is unused. */
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'] as const;
export type OcspResponseStatus = (typeof RESPONSE_STATUS)[number];

export type OcspCertStatus = 'good' | 'revoked' | 'unknown';

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** CertID hash algorithms (RFC 6960 §4.1.1 names SHA-1; responders also use SHA-2). */
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface OcspSingleResponse {
  /** CertID.hashAlgorithm as a node:crypto name ('sha1'), or the OID when unknown. */
  hashAlgorithm: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Upper-case hex, no leading zeros (as normalizeSerial). */
  serialNumber: string;
  certStatus: OcspCertStatus;
  thisUpdate: Date;
  /** Absent means "newer information is always available" (§4.2.2.1). */
  nextUpdate: Date | null;
}

export interface OcspResponseInfo {
  status: OcspResponseStatus;
  /** Present when status is successful. */
  producedAt: Date | null;
  responses: OcspSingleResponse[];
}

export class OcspParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OcspParseError';
  }
}

/** Parse an OCSPResponse; throws OcspParseError (never anything else) on malformed input. */
export function parseOcspResponse(der: Buffer): OcspResponseInfo {
  try {
    return parse(der);
  } catch (err) {
    if (err instanceof DerError) throw new OcspParseError(`not a valid OCSP response: ${err.message}`);
    throw err;
  }
}

function parse(der: Buffer): OcspResponseInfo {
  if (!Buffer.isBuffer(der) || der.length === 0) throw new DerError('OCSPResponse: empty');
  const top = expectTag(readTop(der, 'OCSPResponse'), Tag.Sequence, 'OCSPResponse');
  const [statusNode, bytesNode] = children(top, ['responseStatus', 'responseBytes']);
  const code = readSmallUnsigned(expectTag(statusNode, Tag.Enumerated, 'OCSPResponse.responseStatus'), Tag.Enumerated);
  const status = RESPONSE_STATUS[code];
  if (status === undefined || code === 4) throw new DerError(`OCSPResponse.responseStatus: unknown value ${code}`);
  if (status !== 'successful') return { status, producedAt: null, responses: [] };
  // responseBytes [0] EXPLICIT ResponseBytes: required when successful.
  const explicit = expectContext(bytesNode, 0, 'OCSPResponse.responseBytes');
  const responseBytes = expectTag(children(explicit, ['ResponseBytes'])[0], Tag.Sequence, 'OCSPResponse.responseBytes');
  const [typeNode, octets] = children(responseBytes, ['responseType', 'response']);
  const type = readOid(expectTag(typeNode, Tag.Oid, 'ResponseBytes.responseType'));
  if (type !== ID_PKIX_OCSP_BASIC) throw new DerError(`ResponseBytes.responseType: ${type} is not id-pkix-ocsp-basic (${ID_PKIX_OCSP_BASIC})`);
  const basicDer = contents(expectTag(octets, Tag.OctetString, 'ResponseBytes.response'));
  const basic = expectTag(readTop(Buffer.from(basicDer), 'BasicOCSPResponse'), Tag.Sequence, 'BasicOCSPResponse');
  const basicParts = children(basic, ['tbsResponseData', 'signatureAlgorithm', 'signature', 'certs']);
  if (basicParts.length < 3) throw new DerError('BasicOCSPResponse: needs tbsResponseData, signatureAlgorithm and signature');
  const tbs = expectTag(basicParts[0], Tag.Sequence, 'BasicOCSPResponse.tbsResponseData');
  let fields = children(tbs);
  // version [0] EXPLICIT DEFAULT v1: present only when not v1.
  if (fields[0] !== undefined && fields[0].tagClass === TagClass.Context && fields[0].number === 0) fields = fields.slice(1);
  const [responderId, producedAtNode, responsesNode] = fields;
  if (responderId === undefined || responderId.tagClass !== TagClass.Context || (responderId.number !== 1 && responderId.number !== 2)) {
    throw new DerError('ResponseData.responderID: expected byName [1] or byKey [2]');
  }
  const producedAt = readGeneralizedTime(named(expectTag(producedAtNode, Tag.GeneralizedTime, 'ResponseData.producedAt'), 'ResponseData.producedAt'));
  const list = expectTag(responsesNode, Tag.Sequence, 'ResponseData.responses');
  const responses = children(list).map((node, i) => readSingleResponse(named(node, `ResponseData.responses[${i}]`)));
  if (responses.length === 0) throw new DerError('ResponseData.responses: empty');
  return { status, producedAt, responses };
}

function readSingleResponse(node: DerNode): OcspSingleResponse {
  expectTag(node, Tag.Sequence, node.what);
  const parts = children(node, ['certID', 'certStatus', 'thisUpdate', 'nextUpdate', 'singleExtensions']);
  const certId = expectTag(parts[0], Tag.Sequence, `${node.what}.certID`);
  const [alg, nameHash, keyHash, serial] = children(certId, ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber']);
  const algOid = readOid(expectTag(children(expectTag(alg, Tag.Sequence, `${certId.what}.hashAlgorithm`))[0], Tag.Oid, `${certId.what}.hashAlgorithm.algorithm`));
  const statusNode = parts[1];
  if (statusNode === undefined || statusNode.tagClass !== TagClass.Context || statusNode.number > 2) {
    throw new DerError(`${node.what}.certStatus: expected good [0], revoked [1] or unknown [2]`);
  }
  const certStatus: OcspCertStatus = statusNode.number === 0 ? 'good' : statusNode.number === 1 ? 'revoked' : 'unknown';
  const thisUpdate = readGeneralizedTime(expectTag(parts[2], Tag.GeneralizedTime, `${node.what}.thisUpdate`));
  let nextUpdate: Date | null = null;
  const next = parts[3];
  if (next !== undefined && next.tagClass === TagClass.Context && next.number === 0) {
    nextUpdate = readGeneralizedTime(expectTag(children(next, ['GeneralizedTime'])[0], Tag.GeneralizedTime, `${node.what}.nextUpdate`));
    if (nextUpdate.getTime() < thisUpdate.getTime()) throw new DerError(`${node.what}: nextUpdate is before thisUpdate`);
  }
  return {
    hashAlgorithm: HASHES[algOid] ?? algOid,
    issuerNameHash: Buffer.from(contents(expectTag(nameHash, Tag.OctetString, `${certId.what}.issuerNameHash`))),
    issuerKeyHash: Buffer.from(contents(expectTag(keyHash, Tag.OctetString, `${certId.what}.issuerKeyHash`))),
    serialNumber: readIntegerHex(expectTag(serial, Tag.Integer, `${certId.what}.serialNumber`)),
    certStatus,
    thisUpdate,
    nextUpdate,
  };
}

function expectContext(node: DerNode | undefined, number: number, what: string): DerNode {
  if (node === undefined) throw new DerError(`${what}: missing`);
  if (node.tagClass !== TagClass.Context || node.number !== number || !node.constructed) throw new DerError(`${what}: expected [${number}] EXPLICIT`);
  return node;
}

function named(node: DerNode, what: string): DerNode {
  return { ...node, what };
}

/**
 * The SingleResponse about `leaf`: the same serial number and, when the issuer is known, the
 * same issuer name and key hashes (RFC 6960 §4.1.1 CertID). null when there is none.
 */
export function findResponseFor(info: OcspResponseInfo, leaf: X509Certificate, issuer: X509Certificate | null): OcspSingleResponse | null {
  const serial = normalizeSerial(leaf.serialNumber);
  for (const r of info.responses) {
    if (r.serialNumber !== serial) continue;
    if (issuer === null) return r;
    if (!(r.hashAlgorithm in HASH_NAMES)) continue;
    const ids = issuerHashes(issuer, r.hashAlgorithm);
    if (ids.nameHash.equals(r.issuerNameHash) && ids.keyHash.equals(r.issuerKeyHash)) return r;
  }
  return null;
}

const HASH_NAMES = { sha1: 1, sha256: 1, sha384: 1, sha512: 1 };

/** RFC 6960 §4.1.1: the hash of the issuer's DER subject Name, and of its public key's BIT STRING value. */
export function issuerHashes(issuer: X509Certificate, hash: string): { nameHash: Buffer; keyHash: Buffer } {
  const cert = expectTag(readTop(issuer.raw, 'Certificate'), Tag.Sequence, 'Certificate');
  const tbs = expectTag(children(cert)[0], Tag.Sequence, 'Certificate.tbsCertificate');
  let fields = children(tbs);
  // version [0] EXPLICIT, then serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
  if (fields[0]?.tagClass === TagClass.Context && fields[0].number === 0) fields = fields.slice(1);
  const subject = expectTag(fields[4], Tag.Sequence, 'TBSCertificate.subject');
  const spki = expectTag(fields[5], Tag.Sequence, 'TBSCertificate.subjectPublicKeyInfo');
  const key = contents(expectTag(children(spki)[1], Tag.BitString, 'SubjectPublicKeyInfo.subjectPublicKey'));
  // A BIT STRING's first content octet counts its unused bits; the key is what follows.
  return {
    nameHash: createHash(hash).update(encoding(subject)).digest(),
    keyHash: createHash(hash).update(key.subarray(1)).digest(),
  };
}
