import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatPrettyLine, wantsColour } from './pretty-line.js';
import { prettySink } from './pretty-sink.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0, 250);

describe('pretty text for a terminal', () => {
  it('shows the time, level and event, then key=value with strings quoted only when they must be', () => {
    expect(formatPrettyLine(T, 'info', 'http.access', { method: 'GET', path: '/a b', status: 200, aborted: false, skip: undefined, o: { a: 1 } }, false))
      .toBe('12:00:00.250Z INFO  http.access method=GET path="/a b" status=200 aborted=false o={"a":1}\n');
    expect(formatPrettyLine(T, 'error', 'x', { message: 'say "hi"\n', empty: '' }, false)).toBe('12:00:00.250Z ERROR x message="say \\"hi\\"\\n" empty=""\n');
    expect(formatPrettyLine(T, 'warn', 'y', undefined, true)).toBe('\x1b[2m12:00:00.250Z\x1b[0m \x1b[33mWARN \x1b[0m \x1b[1my\x1b[0m\n');
  });

  it('colours only a TTY, and never with NO_COLOR set to something', () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // no-color.org: present and not empty
  });

  it('writes to its stream, uncoloured when the stream is not a TTY', async () => {
    let text = '';
    const stream = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
    const sink = prettySink({ stream });
    sink.write(T, 'info', 'hello', { n: 1 });
    await sink.close!();
    expect(text).toBe('12:00:00.250Z INFO  hello n=1\n');
  });
});
