/**
 * The static table (RFC 7541 §2.3.1, Appendix A): 61 fields both sides know by heart. Index 0
 * is not an entry (§6.1 makes it an error), so the arrays below keep a blank at 0 and the
 * protocol's index is the array index.
 */
const ENTRIES: ReadonlyArray<readonly [string, string]> = [
  ['', ''],
  [':authority', ''], //                   1
  [':method', 'GET'], //                   2
  [':method', 'POST'], //                  3
  [':path', '/'], //                       4
  [':path', '/index.html'], //             5
  [':scheme', 'http'], //                  6
  [':scheme', 'https'], //                 7
  [':status', '200'], //                   8
  [':status', '204'], //                   9
  [':status', '206'], //                  10
  [':status', '304'], //                  11
  [':status', '400'], //                  12
  [':status', '404'], //                  13
  [':status', '500'], //                  14
  ['accept-charset', ''], //              15
  ['accept-encoding', 'gzip, deflate'], // 16
  ['accept-language', ''], //             17
  ['accept-ranges', ''], //               18
  ['accept', ''], //                      19
  ['access-control-allow-origin', ''], // 20
  ['age', ''], //                         21
  ['allow', ''], //                       22
  ['authorization', ''], //               23
  ['cache-control', ''], //               24
  ['content-disposition', ''], //         25
  ['content-encoding', ''], //            26
  ['content-language', ''], //            27
  ['content-length', ''], //              28
  ['content-location', ''], //            29
  ['content-range', ''], //               30
  ['content-type', ''], //                31
  ['cookie', ''], //                      32
  ['date', ''], //                        33
  ['etag', ''], //                        34
  ['expect', ''], //                      35
  ['expires', ''], //                     36
  ['from', ''], //                        37
  ['host', ''], //                        38
  ['if-match', ''], //                    39
  ['if-modified-since', ''], //           40
  ['if-none-match', ''], //               41
  ['if-range', ''], //                    42
  ['if-unmodified-since', ''], //         43
  ['last-modified', ''], //               44
  ['link', ''], //                        45
  ['location', ''], //                    46
  ['max-forwards', ''], //                47
  ['proxy-authenticate', ''], //          48
  ['proxy-authorization', ''], //         49
  ['range', ''], //                       50
  ['referer', ''], //                     51
  ['refresh', ''], //                     52
  ['retry-after', ''], //                 53
  ['server', ''], //                      54
  ['set-cookie', ''], //                  55
  ['strict-transport-security', ''], //   56
  ['transfer-encoding', ''], //           57
  ['user-agent', ''], //                  58
  ['vary', ''], //                        59
  ['via', ''], //                         60
  ['www-authenticate', ''], //            61
];

/** Entries in the static table; dynamic entries are numbered from STATIC_TABLE_LENGTH + 1 (§2.3.3). */
export const STATIC_TABLE_LENGTH = 61;

export const STATIC_NAMES: readonly string[] = ENTRIES.map((e) => e[0]);
export const STATIC_VALUES: readonly string[] = ENTRIES.map((e) => e[1]);

/** Encoder lookup: name → value → index, for fields that can be sent as one indexed octet. */
export const STATIC_EXACT: ReadonlyMap<string, ReadonlyMap<string, number>> = (() => {
  const byName = new Map<string, Map<string, number>>();
  for (let i = 1; i <= STATIC_TABLE_LENGTH; i++) {
    let values = byName.get(STATIC_NAMES[i]!);
    if (values === undefined) byName.set(STATIC_NAMES[i]!, (values = new Map()));
    values.set(STATIC_VALUES[i]!, i);
  }
  return byName;
})();

/** Encoder lookup: name → its first (lowest) index, to send the name as an index (§6.2). */
export const STATIC_NAME_INDEX: ReadonlyMap<string, number> = (() => {
  const first = new Map<string, number>();
  for (let i = STATIC_TABLE_LENGTH; i >= 1; i--) first.set(STATIC_NAMES[i]!, i);
  return first;
})();
