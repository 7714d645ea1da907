import type { H1Case } from '../case.js';
import { CHUNKED_CASES } from './chunked.js';
import { ERROR_CASES } from './errors.js';
import { EXPECT_CASES } from './expect.js';
import { FRAMING_CASES } from './framing.js';
import { HEAD_OPTIONS_CASES } from './head-options.js';
import { HOST_CASES } from './host.js';
import { KEEP_ALIVE_CASES, PIPELINING_CASES } from './keep-alive.js';
import { BEHIND_REJECTED_CASES } from './smuggling-behind-rejected.js';
import { CHUNK_SIZE_CASES } from './smuggling-chunk-size.js';
import { CL_TE_CASES } from './smuggling-cl-te.js';
import { CONTENT_LENGTH_CASES } from './smuggling-content-length.js';
import { DUPLICATE_CASES } from './smuggling-duplicates.js';
import { OCTET_CASES } from './smuggling-octets.js';
import { TARGET_CASES } from './targets.js';
import { VERSION_CASES } from './version.js';

/** The origin-server requirements of RFC 9112 and RFC 9110, by topic. */
export const H1_CASES: readonly H1Case[] = [
  ...FRAMING_CASES,
  ...HOST_CASES,
  ...CHUNKED_CASES,
  ...KEEP_ALIVE_CASES,
  ...PIPELINING_CASES,
  ...EXPECT_CASES,
  ...HEAD_OPTIONS_CASES,
  ...TARGET_CASES,
  ...VERSION_CASES,
  ...ERROR_CASES,
];

/** The request-smuggling classes, by class. */
export const SMUGGLING_CASES: readonly H1Case[] = [
  ...CL_TE_CASES,
  ...CONTENT_LENGTH_CASES,
  ...CHUNK_SIZE_CASES,
  ...OCTET_CASES,
  ...DUPLICATE_CASES,
  ...BEHIND_REJECTED_CASES,
];

export const ALL_CASES: readonly H1Case[] = [...H1_CASES, ...SMUGGLING_CASES];
