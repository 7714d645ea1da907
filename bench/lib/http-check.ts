/**
 * One plain request before benchmarking. wrk only counts statuses >= 400 as errors and never looks
 * at bodies, so a server answering 301 or the wrong body would otherwise be benchmarked happily.
 */
import http from 'node:http';

export interface HttpSample {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function httpGet(url: string, timeoutMs = 5000): Promise<HttpSample> {
  return new Promise<HttpSample>((resolve, reject) => {
    // agent: false so no keep-alive socket lingers into the measured run.
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface Expectation {
  status: number;
  body: string | Buffer;
  contentType?: string;
}

/**
 * Returns what differs from the expectation ([] when the sample matches). Content-type is compared
 * ignoring case and whitespace around ';', since `text/plain;charset=utf-8` is the same type.
 */
export function compareSample(sample: HttpSample, want: Expectation): string[] {
  const diffs: string[] = [];
  if (sample.status !== want.status) diffs.push(`status ${sample.status}, expected ${want.status}`);
  const wantBody = typeof want.body === 'string' ? Buffer.from(want.body) : want.body;
  if (!sample.body.equals(wantBody)) {
    diffs.push(`body ${JSON.stringify(sample.body.toString('utf8').slice(0, 200))}, expected ${JSON.stringify(wantBody.toString('utf8'))}`);
  }
  if (want.contentType !== undefined) {
    const norm = (v: string) => v.toLowerCase().replace(/\s*;\s*/g, ';').trim();
    const got = sample.headers['content-type'];
    if (got === undefined || norm(got) !== norm(want.contentType)) {
      diffs.push(`content-type ${JSON.stringify(got)}, expected ${JSON.stringify(want.contentType)}`);
    }
  }
  return diffs;
}
