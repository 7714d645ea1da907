import type { H2Case } from '../case.js';
import { ABUSE_CASES } from './abuse.js';
import { GENERIC_CASES } from './generic.js';
import { GENERIC_HPACK_CASES } from './generic-hpack.js';
import { HPACK_CASES } from './hpack.js';
import { HTTP2_3_4_CASES } from './http2-3-4.js';
import { HTTP2_5_CASES } from './http2-5.js';
import { HTTP2_6_CASES } from './http2-6.js';
import { HTTP2_6_7_CASES } from './http2-6-7.js';
import { HTTP2_8_CASES } from './http2-8.js';
import { RFC9113_CASES } from './rfc9113.js';

/** h2spec 2.6.0's 147 cases, in its order: generic (44), http2 (95), hpack (8). */
export const H2SPEC_CASES: readonly H2Case[] = [
  ...GENERIC_CASES,
  ...GENERIC_HPACK_CASES,
  ...HTTP2_3_4_CASES,
  ...HTTP2_5_CASES,
  ...HTTP2_6_CASES,
  ...HTTP2_6_7_CASES,
  ...HTTP2_8_CASES,
  ...HPACK_CASES,
];

/** Groups h2spec lacks, reported after its own: RFC 9113's changes, and abuse resistance. */
export const EXTRA_CASES: readonly H2Case[] = [...RFC9113_CASES, ...ABUSE_CASES];

export const ALL_CASES: readonly H2Case[] = [...H2SPEC_CASES, ...EXTRA_CASES];
