/**
 * The first JSON value of a request body, read the way Go's `json.NewDecoder(body).Decode(&v)`
 * reads it (reference §2 "Request bodies"): leading whitespace skipped, only the first value is
 * scanned and anything after it is ignored, an empty body is `EOF`, a body that stops inside the
 * value is `unexpected EOF`, and a syntax error is reported with the text of Go's scanner
 * (`invalid character 'x' looking for beginning of value`, ...). The scan is iterative, like Go's
 * state machine, so deep nesting cannot overflow the stack; Go's depth limit (10000) is kept.
 */

/** A scanned JSON value. Numbers keep their literal text: Go's errors quote it (`number 1.5`). */
export type JsonValue =
  | { kind: 'object'; entries: Array<[key: string, value: JsonValue]> }
  | { kind: 'array'; items: JsonValue[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

export type ScanResult = { ok: true; value: JsonValue } | { ok: false; error: string };

/** Go's `maxNestingDepth` in encoding/json/scanner.go. */
const MAX_DEPTH = 10000;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class JsonSyntaxError extends Error {}
class UnexpectedEof extends Error {}

/**
 * Go's `quoteChar`: the offending byte as it appears in a SyntaxError. Go converts the byte to a
 * rune (so 0xE9 shows as 'é') and quotes it with strconv.Quote's escapes.
 */
export function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuoteRune(c)}'`;
}

function goQuoteRune(c: number): string {
  switch (c) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    case 0x5c: return '\\\\';
  }
  if (c < 0x20 || c === 0x7f) return `\\x${c.toString(16).padStart(2, '0')}`;
  // U+0080..U+00A0 and U+00AD are not printable for strconv.IsPrint.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `\\u${c.toString(16).padStart(4, '0')}`;
  return String.fromCharCode(c);
}

function syntax(c: number, context: string): never {
  throw new JsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`);
}

/** Scan the first JSON value of `body` (Go Decoder semantics). */
export function scanFirstValue(body: Uint8Array): ScanResult {
  let i = 0;
  while (i < body.length && isSpace(body[i]!)) i++;
  if (i === body.length) return { ok: false, error: 'EOF' };
  try {
    return { ok: true, value: new Scanner(body, i).value() };
  } catch (err) {
    if (err instanceof UnexpectedEof) return { ok: false, error: 'unexpected EOF' };
    if (err instanceof JsonSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

type Frame =
  | { kind: 'object'; entries: Array<[string, JsonValue]>; key: string | null }
  | { kind: 'array'; items: JsonValue[] };

class Scanner {
  constructor(private readonly b: Uint8Array, private i: number) {}

  private peek(): number {
    if (this.i >= this.b.length) throw new UnexpectedEof();
    return this.b[this.i]!;
  }

  private skipSpace(): number {
    for (;;) {
      const c = this.peek();
      if (!isSpace(c)) return c;
      this.i++;
    }
  }

  value(): JsonValue {
    const stack: Frame[] = [];
    // Expecting a value (stateBeginValue); `afterOpen` = just after '[' (']' allowed).
    let afterOpen = false;
    for (;;) {
      let c = this.skipSpace();
      let v: JsonValue | null = null;
      if (afterOpen && c === 0x5d) {
        this.i++;
        v = { kind: 'array', items: (stack.pop() as Frame & { kind: 'array' }).items };
      } else if (c === 0x7b) {
        this.i++;
        if (stack.length + 1 > MAX_DEPTH) syntax(c, 'exceeded max depth');
        c = this.skipSpace();
        if (c === 0x7d) {
          this.i++;
          v = { kind: 'object', entries: [] };
        } else {
          const frame: Frame = { kind: 'object', entries: [], key: null };
          stack.push(frame);
          frame.key = this.key();
          afterOpen = false;
          continue;
        }
      } else if (c === 0x5b) {
        this.i++;
        if (stack.length + 1 > MAX_DEPTH) syntax(c, 'exceeded max depth');
        stack.push({ kind: 'array', items: [] });
        afterOpen = true;
        continue;
      } else {
        v = this.scalar(c);
      }
      afterOpen = false;
      // A value is complete: attach it and find what comes next (stateEndValue).
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        if (top.kind === 'object') {
          top.entries.push([top.key!, v]);
          c = this.skipSpace();
          if (c === 0x2c) {
            this.i++;
            top.key = this.key();
            break;
          }
          if (c === 0x7d) {
            this.i++;
            stack.pop();
            v = { kind: 'object', entries: top.entries };
            continue;
          }
          syntax(c, 'after object key:value pair');
        } else {
          top.items.push(v);
          c = this.skipSpace();
          if (c === 0x2c) {
            this.i++;
            break;
          }
          if (c === 0x5d) {
            this.i++;
            stack.pop();
            v = { kind: 'array', items: top.items };
            continue;
          }
          syntax(c, 'after array element');
        }
      }
    }
  }

  /** An object key and its ':' (stateBeginString, then stateEndValue in key position). */
  private key(): string {
    const c = this.skipSpace();
    if (c !== 0x22) syntax(c, 'looking for beginning of object key string');
    const k = this.string();
    const d = this.skipSpace();
    if (d !== 0x3a) syntax(d, 'after object key');
    this.i++;
    return k;
  }

  private scalar(c: number): JsonValue {
    if (c === 0x22) return { kind: 'string', value: this.string() };
    if (c === 0x2d || isDigit(c)) return { kind: 'number', text: this.number() };
    if (c === 0x74) return this.literal('true', { kind: 'bool', value: true });
    if (c === 0x66) return this.literal('false', { kind: 'bool', value: false });
    if (c === 0x6e) return this.literal('null', { kind: 'null' });
    syntax(c, 'looking for beginning of value');
  }

  private literal(word: string, v: JsonValue): JsonValue {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      const c = this.peek();
      if (c !== word.charCodeAt(k)) syntax(c, `in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return v;
  }

  /**
   * A number per Go's states (stateNeg, state0, state1, stateDot, stateE...). At the very end of
   * the body a complete number ends the value (Go feeds a space); an incomplete one is EOF.
   */
  private number(): string {
    const start = this.i;
    const at = () => (this.i < this.b.length ? this.b[this.i]! : -1);
    if (at() === 0x2d) {
      this.i++;
      const c = this.peek();
      if (!isDigit(c)) syntax(c, 'in numeric literal');
    }
    if (at() === 0x30) this.i++;
    else while (isDigit(at())) this.i++;
    if (at() === 0x2e) {
      this.i++;
      const c = this.peek();
      if (!isDigit(c)) syntax(c, 'after decimal point in numeric literal');
      while (isDigit(at())) this.i++;
    }
    if (at() === 0x65 || at() === 0x45) {
      this.i++;
      let c = this.peek();
      if (c === 0x2b || c === 0x2d) {
        this.i++;
        c = this.peek();
      }
      if (!isDigit(c)) syntax(c, 'in exponent of numeric literal');
      while (isDigit(at())) this.i++;
    }
    return Buffer.from(this.b.subarray(start, this.i)).toString('latin1');
  }

  /** A string literal after its opening quote, unquoted the way Go's `unquote` does. */
  private string(): string {
    this.i++; // opening quote
    let out = '';
    let runStart = this.i;
    const flush = (end: number) => {
      if (end > runStart) out += decodeUtf8LikeGo(this.b.subarray(runStart, end));
    };
    for (;;) {
      const c = this.peek();
      if (c === 0x22) {
        flush(this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) syntax(c, 'in string literal');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      flush(this.i);
      this.i++;
      const e = this.peek();
      this.i++;
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const r = this.hex4();
          if (r >= 0xd800 && r < 0xe000) {
            // Go: a valid surrogate pair is one rune; anything else is U+FFFD (the second \u
            // escape, when it does not complete a pair, is decoded on its own).
            if (r < 0xdc00 && this.b[this.i] === 0x5c && this.b[this.i + 1] === 0x75) {
              const save = this.i;
              this.i += 2;
              const r2 = this.hex4();
              if (r2 >= 0xdc00 && r2 < 0xe000) {
                out += String.fromCharCode(r, r2);
                break;
              }
              this.i = save;
            }
            out += '\ufffd';
          } else {
            out += String.fromCharCode(r);
          }
          break;
        }
        default:
          syntax(e, 'in string escape code');
      }
      runStart = this.i;
    }
  }

  private hex4(): number {
    let r = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.peek();
      if (!isHex(c)) syntax(c, 'in \\u hexadecimal character escape');
      r = r * 16 + parseInt(String.fromCharCode(c), 16);
      this.i++;
    }
    return r;
  }
}

/**
 * UTF-8 to a JS string with Go's rule for bad input: every byte that does not start a valid,
 * shortest-form, non-surrogate sequence becomes one U+FFFD (utf8.DecodeRune's (RuneError, 1)).
 */
export function decodeUtf8LikeGo(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      let j = i;
      while (j < b.length && b[j]! < 0x80) j++;
      out += Buffer.from(b.subarray(i, j)).toString('latin1');
      i = j;
      continue;
    }
    const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
    let cp = -1;
    let n = 1;
    if (c >= 0xc2 && c <= 0xdf && cont(1)) {
      cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef && cont(1) && cont(2)) {
      const v = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      if (v >= 0x800 && (v < 0xd800 || v > 0xdfff)) {
        cp = v;
        n = 3;
      }
    } else if (c >= 0xf0 && c <= 0xf4 && cont(1) && cont(2) && cont(3)) {
      const v = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      if (v >= 0x10000 && v <= 0x10ffff) {
        cp = v;
        n = 4;
      }
    }
    out += cp < 0 ? '\ufffd' : String.fromCodePoint(cp);
    i += cp < 0 ? 1 : n;
  }
  return out;
}
