import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** What came back, parsed as far as it goes: a hostile test must see a body that is not JSON too. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  json: unknown;
  elapsedMs: number;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: the caller percent-encodes what must be encoded. */
  path: string;
  /** An array value goes out as one header line per element: a repeated header. */
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Chunked transfer encoding instead of Content-Length, so no length is announced up front. */
  chunked?: boolean;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * One request over node:http with headers taken literally: repeated, conflicting or absent as
 * given, which fetch would merge or refuse. A fresh connection each time, so a request the
 * server answers by closing its socket cannot break the next one.
 */
export function rawRequest(baseUrl: string, spec: RawRequest, timeoutMs = 5000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise<RawAnswer>((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('close', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: parseJson(text),
            elapsedMs: performance.now() - started,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A server that answers early (413) may close while the body is still going out: the answer counts.
    req.on('error', (error) => answered || reject(error));
    if (spec.body !== undefined && spec.chunked) {
      // Said outright: node frames chunks by default for POST and PATCH, but writes a DELETE's
      // body bare, which the server takes for a bodiless DELETE followed by a garbled request.
      req.setHeader('Transfer-Encoding', 'chunked');
      const body = Buffer.from(spec.body);
      for (let offset = 0; offset < body.length; offset += 4096) req.write(body.subarray(offset, offset + 4096));
    } else if (spec.body !== undefined) {
      req.setHeader('Content-Length', Buffer.byteLength(spec.body));
      req.write(spec.body);
    }
    req.end();
  });
}

/**
 * Bytes straight onto a socket, for what node:http refuses to send: control characters in a
 * header, conflicting lengths, a length the body never reaches. Reads one response, framed by its
 * Content-Length, or whatever arrived before the server closed the connection.
 */
export function rawWire(baseUrl: string, bytes: Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise<RawAnswer>((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);

    /** Answers once a whole response arrived; otherwise fails with the reason, if given one. */
    function settle(failure?: Error): void {
      const answer = parseResponse(received, performance.now() - started);
      if (answer === undefined && failure === undefined) return;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (answer) resolve(answer);
      else reject(failure);
    }

    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      settle();
    });
    // A reset right after the answer is how a server drops a connection it will not read further.
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(new Error(`closed after ${received.length} bytes without a whole answer`)));
    socket.write(bytes);
  });
}

/** A whole HTTP/1.1 response in the bytes, or undefined while some of it is still to come. */
function parseResponse(bytes: Buffer, elapsedMs: number): RawAnswer | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(end + 4);
  if (body.length < length) return undefined;
  const text = body.subarray(0, length).toString('utf8');
  // Status 0 for whatever is not HTTP: the caller's assertion shows it.
  return { status: status ? Number(status[1]) : 0, headers, text, json: parseJson(text), elapsedMs };
}
