/**
 * Group headings for reports, keyed by id prefix: h2spec 2.6.0's (its case list, in
 * reference/h2spec-cases.tsv), then ours. A case belongs to the group of its id without the last
 * segment, nested in every shorter prefix that has a heading.
 */
export const GROUP_TITLES: ReadonlyMap<string, string> = new Map([
  ['generic', 'Generic tests for HTTP/2 server'],
  ['generic/1', '1. Starting HTTP/2'],
  ['generic/2', '2. Streams and Multiplexing'],
  ['generic/3', '3. Frame Definitions'],
  ['generic/3.1', '3.1. DATA'],
  ['generic/3.2', '3.2. HEADERS'],
  ['generic/3.3', '3.3. PRIORITY'],
  ['generic/3.4', '3.4. RST_STREAM'],
  ['generic/3.5', '3.5. SETTINGS'],
  ['generic/3.7', '3.7. PING'],
  ['generic/3.8', '3.8. GOAWAY'],
  ['generic/3.9', '3.9. WINDOW_UPDATE'],
  ['generic/3.10', '3.10. CONTINUATION'],
  ['generic/4', '4. HTTP Message Exchanges'],
  ['generic/5', '5. HPACK'],
  ['http2', 'Hypertext Transfer Protocol Version 2 (HTTP/2)'],
  ['http2/3', '3. Starting HTTP/2'],
  ['http2/3.5', '3.5. HTTP/2 Connection Preface'],
  ['http2/4', '4. HTTP Frames'],
  ['http2/4.1', '4.1. Frame Format'],
  ['http2/4.2', '4.2. Frame Size'],
  ['http2/4.3', '4.3. Header Compression and Decompression'],
  ['http2/5', '5. Streams and Multiplexing'],
  ['http2/5.1', '5.1. Stream States'],
  ['http2/5.1.1', '5.1.1. Stream Identifiers'],
  ['http2/5.1.2', '5.1.2. Stream Concurrency'],
  ['http2/5.3', '5.3. Stream Priority'],
  ['http2/5.3.1', '5.3.1. Stream Dependencies'],
  ['http2/5.4', '5.4. Error Handling'],
  ['http2/5.4.1', '5.4.1. Connection Error Handling'],
  ['http2/5.5', '5.5. Extending HTTP/2'],
  ['http2/6', '6. Frame Definitions'],
  ['http2/6.1', '6.1. DATA'],
  ['http2/6.2', '6.2. HEADERS'],
  ['http2/6.3', '6.3. PRIORITY'],
  ['http2/6.4', '6.4. RST_STREAM'],
  ['http2/6.5', '6.5. SETTINGS'],
  ['http2/6.5.2', '6.5.2. Defined SETTINGS Parameters'],
  ['http2/6.5.3', '6.5.3. Settings Synchronization'],
  ['http2/6.7', '6.7. PING'],
  ['http2/6.8', '6.8. GOAWAY'],
  ['http2/6.9', '6.9. WINDOW_UPDATE'],
  ['http2/6.9.1', '6.9.1. The Flow-Control Window'],
  ['http2/6.9.2', '6.9.2. Initial Flow-Control Window Size'],
  ['http2/6.10', '6.10. CONTINUATION'],
  ['http2/7', '7. Error Codes'],
  ['http2/8', '8. HTTP Message Exchanges'],
  ['http2/8.1', '8.1. HTTP Request/Response Exchange'],
  ['http2/8.1.2', '8.1.2. HTTP Header Fields'],
  ['http2/8.1.2.1', '8.1.2.1. Pseudo-Header Fields'],
  ['http2/8.1.2.2', '8.1.2.2. Connection-Specific Header Fields'],
  ['http2/8.1.2.3', '8.1.2.3. Request Pseudo-Header Fields'],
  ['http2/8.1.2.6', '8.1.2.6. Malformed Requests and Responses'],
  ['http2/8.2', '8.2. Server Push'],
  ['hpack', 'HPACK: Header Compression for HTTP/2'],
  ['hpack/2', '2. Compression Process Overview'],
  ['hpack/2.3', '2.3. Indexing Tables'],
  ['hpack/2.3.3', '2.3.3. Index Address Space'],
  ['hpack/4', '4. Dynamic Table Management'],
  ['hpack/4.2', '4.2. Maximum Table Size'],
  ['hpack/5', '5. Primitive Type Representations'],
  ['hpack/5.2', '5.2. String Literal Representation'],
  ['hpack/6', '6. Binary Format'],
  ['hpack/6.1', '6.1. Indexed Header Field Representation'],
  ['hpack/6.3', '6.3. Dynamic Table Size Update'],
  // Ours: not in h2spec, reported after its groups.
  ['rfc9113', 'RFC 9113 changes since RFC 7540 (not in h2spec)'],
  ['rfc9113/5.3.2', '5.3.2. Priority Signals (deprecated)'],
  ['rfc9113/8.2.1', '8.2.1. Field Validity'],
  ['rfc9113/8.2.2', '8.2.2. Connection-Specific Header Fields'],
  ['rfc9113/8.3.1', '8.3.1. Request Pseudo-Header Fields'],
  ['abuse', 'Abuse resistance (not in h2spec)'],
  ['abuse/rapid-reset', 'Rapid Reset (CVE-2023-44487)'],
  ['abuse/made-you-reset', 'MadeYouReset (CVE-2025-8671)'],
  ['abuse/continuation-flood', 'CONTINUATION flood (CVE-2024-27316 and others)'],
  ['abuse/hpack-bomb', 'HPACK bomb (RFC 7541 §7.3)'],
  ['abuse/settings-flood', 'SETTINGS flood (CVE-2019-9515)'],
  ['abuse/ping-flood', 'PING flood (CVE-2019-9512)'],
  ['abuse/empty-data-flood', 'Empty frames flood (CVE-2019-9518)'],
  ['abuse/zero-window-stall', 'Zero-window hold (slow read)'],
  ['abuse/zero-window-dribble', 'Data dribble (CVE-2019-9511)'],
]);

/** The groups h2spec has; anything else is one of ours. */
export const H2SPEC_GROUPS: readonly string[] = ['generic', 'http2', 'hpack'];

/** The group prefixes a case id sits in, outermost first, that have headings. */
export function groupChain(id: string): string[] {
  const parts = id.split('/');
  const chain: string[] = [];
  // Section groups nest by dotted number: http2/6.5.2 sits in http2/6.5, which sits in http2/6.
  const top = parts[0]!;
  chain.push(top);
  const section = parts.length > 2 ? parts[1]! : null;
  if (section !== null) {
    const numbers = section.split('.');
    for (let k = 1; k <= numbers.length; k++) {
      const prefix = `${top}/${numbers.slice(0, k).join('.')}`;
      if (GROUP_TITLES.has(prefix) && !chain.includes(prefix)) chain.push(prefix);
    }
    const own = `${top}/${section}`;
    if (!chain.includes(own)) chain.push(own);
  }
  return chain;
}
