/**
 * Label values with a fixed, small set of possibilities, as arrays the hot path indexes. Label
 * cardinality stays bounded whatever a peer sends: an unknown method is "other", a status outside
 * 1xx-5xx "other", an extension frame type "UNKNOWN", an unregistered error code "UNKNOWN".
 */

/** RFC 9110 §9 methods, then the catch-all. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'other'] as const;

export function methodIndex(method: string): number {
  switch (method) {
    case 'GET': return 0;
    case 'HEAD': return 1;
    case 'POST': return 2;
    case 'PUT': return 3;
    case 'DELETE': return 4;
    case 'PATCH': return 5;
    case 'OPTIONS': return 6;
    case 'CONNECT': return 7;
    case 'TRACE': return 8;
    default: return 9;
  }
}

/** "none": the exchange ended before any response head went out (status 0). */
export const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;

export function statusClassIndex(status: number): number {
  if (status === 0) return 0;
  if (status >= 100 && status < 600) return (status / 100) | 0;
  return 6;
}

/** RFC 9113 §6 frame types by code, then extension frames (§5.5). */
export const FRAME_TYPES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION', 'UNKNOWN'] as const;

export function frameTypeIndex(code: number): number {
  return code >= 0 && code < 10 ? code : 10;
}

/** The same by the name the frame reader gives a decoded frame. */
export const FRAME_TYPE_INDEX: Readonly<Record<string, number>> = Object.fromEntries(FRAME_TYPES.map((name, i) => [name, i]));

/** RFC 9113 §7 error codes by value, then anything else (§7: unknown codes carry no meaning). */
export const ERROR_CODES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED', 'UNKNOWN',
] as const;

export function errorCodeIndex(code: number): number {
  return code >= 0 && code < 14 && Number.isInteger(code) ? code : 14;
}

/** The HTTP/2 defences (`http2.defences`, README "Defences"), by the option that sets each budget. */
export const DEFENCES = ['maxPeerResets', 'maxProvokedResets', 'maxIdleFrames', 'maxHeaderBlockFrames', 'maxHeaderBlockBytes', 'maxOutboundQueueBytes'] as const;
export type DefenceName = (typeof DEFENCES)[number];

/** What a connection is serving: HTTP/1.x, HTTP/2 (ALPN h2 or h2c with prior knowledge), or HTTP/2 after an h2c Upgrade. */
export const CONNECTION_PROTOCOLS = ['h1', 'h2', 'h2c-upgrade'] as const;
export type ConnectionProtocol = (typeof CONNECTION_PROTOCOLS)[number];
