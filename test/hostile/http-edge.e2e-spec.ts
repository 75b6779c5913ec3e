import fc from 'fast-check';
import type { OutgoingHttpHeaders } from 'node:http';
import { TestStack } from '../support/stack';
import {
  addItemBody,
  anyToken,
  authenticates,
  authorization,
  authorizes,
  contentType,
  createCartBody,
  forgedToken,
  hostileSegment,
  ifMatch,
  nearUuid,
  querySuffix,
  setQuantityBody,
  tokenVerifies,
  traceparent,
  unknownUuid,
} from './hostile-inputs';
import { rawRequest, rawWire, type RawAnswer } from './raw-http';
import { bearer, TEST_OWNER } from '../support/test-env';
import { WriteModel } from './write-model';

const SESSION_WAIT_MS = 500;
/** A refused request never waits for the read model: it must be answered well within one wait. */
const PROMPT_MS = SESSION_WAIT_MS + 1000;
const FULL_CART_LINES = 100;
const MAX_LINE_QUANTITY = 1000;
const LINE_SKUS = Array.from({ length: FULL_CART_LINES }, (_, i) => `LINE-${String(i).padStart(3, '0')}`);

/** The error contract: a 4xx with {statusCode, error, message, code}, in time. */
function expectRefusal(answer: RawAnswer): void {
  expect({
    status: answer.status,
    clientError: answer.status >= 400 && answer.status < 500,
    body: answer.json,
    prompt: answer.elapsedMs < PROMPT_MS,
  }).toEqual({
    status: answer.status,
    clientError: true,
    body: expect.objectContaining({
      statusCode: answer.status,
      error: expect.any(String),
      message: expect.any(String),
      code: expect.stringMatching(/^[A-Z][A-Z_]*$/),
    }),
    prompt: true,
  });
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Whether a request that is valid in every other respect could be one the stack must accept. */
function benignBody(body: string | undefined): boolean {
  if (body === undefined || body === '') return true;
  try {
    const value: unknown = JSON.parse(body.replace(/^\ufeff/, ''));
    return value === null || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  } catch {
    return false;
  }
}

function headers(entries: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

/** A stray body on a route that takes none: mostly absent, so the rest of the request is reached. */
const strayBody = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.tuple(addItemBody, contentType), weight: 1 },
);

describe('the HTTP edge under hostile input', () => {
  let stack: TestStack;
  let writeModel: WriteModel;
  let cartUrl: string;
  let queryUrl: string;
  /** Full: 100 lines of 1000, so even a well-formed add or new line is refused (422). */
  let watched: string;

  beforeAll(async () => {
    stack = await TestStack.start({
      env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS), OUTBOX_RETENTION_MS: String(24 * 60 * 60 * 1000) },
    });
    cartUrl = stack.cart[0].url;
    queryUrl = stack.query[0].url;
    writeModel = await WriteModel.connect(stack.cartDb.url);
    const created = await rawRequest(cartUrl, {
      method: 'POST',
      path: '/carts',
      headers: { authorization: bearer(TEST_OWNER) },
    });
    watched = (created.json as { id: string }).id;
    for (const sku of LINE_SKUS) {
      const added = await rawRequest(cartUrl, {
        method: 'POST',
        path: `/carts/${watched}/items`,
        headers: { 'content-type': 'application/json', authorization: bearer(TEST_OWNER) },
        body: JSON.stringify({ sku, quantity: MAX_LINE_QUANTITY }),
      });
      if (added.status !== 200) throw new Error(`filling the watched cart answered ${added.status}: ${added.text}`);
    }
    expect(await writeModel.state(watched)).toMatchObject({ version: FULL_CART_LINES });
  });

  afterAll(async () => {
    await writeModel?.close();
    await stack?.stop();
  });

  /** Sends one hostile request and proves it was refused in time with nothing written or published. */
  async function expectRefusedUnchanged(send: () => Promise<RawAnswer>): Promise<void> {
    const before = await writeModel.state(watched);
    const answer = await send();
    expectRefusal(answer);
    expect(await writeModel.state(watched)).toEqual(before);
  }

  /** The watched cart (in either case), an unknown one, or no cart id at all. */
  const writeTarget = (): fc.Arbitrary<string> =>
    fc.oneof(
      { arbitrary: fc.constant(watched), weight: 6 },
      { arbitrary: fc.constant(watched.toUpperCase()), weight: 1 },
      { arbitrary: unknownUuid, weight: 1 },
      { arbitrary: nearUuid, weight: 1 },
      { arbitrary: hostileSegment, weight: 1 },
    );

  /** A sku in the path that is no line of the watched cart, valid or not. */
  const absentSku = (): fc.Arbitrary<string> =>
    fc
      .oneof(
        { arbitrary: hostileSegment, weight: 2 },
        {
          arbitrary: fc.constantFrom('NEW-SKU', 'line-000', 'LINE-100', '..', 'x'.repeat(64), 'LINE-000%20'),
          weight: 1,
        },
      )
      .filter((segment) => !LINE_SKUS.includes(decodedSegment(segment) ?? ''));

  it('POST /carts/:cartId/items refuses every hostile body, header and id', async () => {
    await fc.assert(
      fc.asyncProperty(
        writeTarget(),
        querySuffix,
        fc.option(addItemBody, { nil: undefined }),
        contentType,
        anyToken(watched),
        ifMatch,
        traceparent,
        authorization(TEST_OWNER),
        async (cart, query, body, type, token, condition, trace, auth) => {
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'POST',
              path: `/carts/${cart}/items${query}`,
              headers: headers({
                authorization: auth,
                'content-type': body === undefined ? undefined : type,
                'x-session-token': token,
                'if-match': condition,
                traceparent: trace,
              }),
              body,
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('PATCH /carts/:cartId/items/:sku refuses every hostile body, sku, header and id', async () => {
    await fc.assert(
      fc.asyncProperty(
        writeTarget(),
        absentSku(),
        querySuffix,
        fc.option(setQuantityBody, { nil: undefined }),
        contentType,
        anyToken(watched),
        ifMatch,
        authorization(TEST_OWNER),
        async (cart, sku, query, body, type, token, condition, auth) => {
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'PATCH',
              path: `/carts/${cart}/items/${sku}${query}`,
              headers: headers({
                authorization: auth,
                'content-type': body === undefined ? undefined : type,
                'x-session-token': token,
                'if-match': condition,
              }),
              body,
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('DELETE /carts/:cartId/items/:sku refuses every hostile sku, header, id and stray body', async () => {
    await fc.assert(
      fc.asyncProperty(
        writeTarget(),
        absentSku(),
        querySuffix,
        strayBody,
        anyToken(watched),
        ifMatch,
        authorization(TEST_OWNER),
        async (cart, sku, query, body, token, condition, auth) => {
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'DELETE',
              path: `/carts/${cart}/items/${sku}${query}`,
              headers: headers({
                authorization: auth,
                'content-type': body?.[1],
                'x-session-token': token,
                'if-match': condition,
              }),
              body: body?.[0],
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('DELETE /carts/:cartId/items refuses every hostile id, header and stray body, and never clears on a stale If-Match', async () => {
    // The watched cart is full: a clear that got through would empty it. A stale or malformed
    // If-Match guarantees a refusal, so the other parts are free to be anything at all.
    const refusingIfMatch = ifMatch.filter((value) => value !== undefined && value !== '*');
    await fc.assert(
      fc.asyncProperty(
        writeTarget(),
        querySuffix,
        strayBody,
        anyToken(watched),
        refusingIfMatch,
        authorization(TEST_OWNER),
        async (cart, query, body, token, condition, auth) => {
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'DELETE',
              path: `/carts/${cart}/items${query}`,
              headers: headers({
                authorization: auth,
                'content-type': body?.[1],
                'x-session-token': token,
                'if-match': condition,
              }),
              body: body?.[0],
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('POST /carts refuses any body but none, {} or null, and any token that does not verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: fc.constant('/carts'), weight: 6 },
          fc.constantFrom('/carts?x=1', '/carts/', '/carts//', '/carts/%2e%2e', '/CARTS'),
        ),
        createCartBody,
        contentType,
        anyToken(watched),
        traceparent,
        authorization(TEST_OWNER),
        async (path, body, type, token, trace, auth) => {
          // A valid creation is not hostile: something in the request must be wrong.
          fc.pre(!(benignBody(body) && tokenVerifies(token) && authenticates(auth)));
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'POST',
              path,
              headers: headers({
                authorization: auth,
                'content-type': body === undefined ? undefined : type,
                'x-session-token': token,
                traceparent: trace,
              }),
              body,
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('GET /carts/:cartId on Cart refuses every id that names no cart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(unknownUuid, nearUuid, hostileSegment),
        querySuffix,
        strayBody,
        anyToken(watched),
        authorization(TEST_OWNER),
        async (cart, query, body, token, auth) => {
          await expectRefusedUnchanged(() =>
            rawRequest(cartUrl, {
              method: 'GET',
              path: `/carts/${cart}${query}`,
              headers: headers({ authorization: auth, 'content-type': body?.[1], 'x-session-token': token }),
              body: body?.[0],
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('GET /carts/:cartId on Cart-Query refuses every hostile id and every token that does not verify', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: fc.constant(watched), weight: 2 },
          { arbitrary: fc.constant(watched.toUpperCase()), weight: 1 },
          { arbitrary: unknownUuid, weight: 1 },
          { arbitrary: nearUuid, weight: 2 },
          { arbitrary: hostileSegment, weight: 2 },
        ),
        querySuffix,
        strayBody,
        fc.oneof({ arbitrary: forgedToken(watched), weight: 3 }, { arbitrary: anyToken(watched), weight: 1 }),
        authorization(TEST_OWNER),
        async (cart, query, body, token, auth) => {
          // The watched cart, read by its owner with a token that verifies, is a valid read.
          fc.pre(
            !(decodedSegment(cart)?.toLowerCase() === watched && tokenVerifies(token) && authorizes(auth, TEST_OWNER)),
          );
          await expectRefusedUnchanged(() =>
            rawRequest(queryUrl, {
              method: 'GET',
              path: `/carts/${cart}${query}`,
              headers: headers({ authorization: auth, 'content-type': body?.[1], 'x-session-token': token }),
              body: body?.[0],
            }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses bodies over 16 KiB on every write, announced or streamed, before reading them', async () => {
    const padded = (size: number) => {
      const shell = JSON.stringify({ sku: 'NEW-SKU', quantity: 1, pad: '' });
      return JSON.stringify({ sku: 'NEW-SKU', quantity: 1, pad: 'x'.repeat(Math.max(0, size - shell.length)) });
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST /carts', 'POST items', 'PATCH item', 'DELETE item', 'DELETE items'),
        fc.integer({ min: 16 * 1024 + 1, max: 64 * 1024 }),
        fc.constantFrom('padded JSON', 'garbage', 'unicode'),
        contentType,
        fc.constantFrom('announced', 'chunked', 'lied about'),
        async (endpoint, size, kind, type, framing) => {
          const [method, path] = {
            'POST /carts': ['POST', '/carts'],
            'POST items': ['POST', `/carts/${watched}/items`],
            'PATCH item': ['PATCH', `/carts/${watched}/items/NEW-SKU`],
            'DELETE item': ['DELETE', `/carts/${watched}/items/NEW-SKU`],
            'DELETE items': ['DELETE', `/carts/${watched}/items`],
          }[endpoint];
          const body =
            kind === 'padded JSON' ? padded(size) : kind === 'garbage' ? 'x'.repeat(size) : '€'.repeat(size / 3 + 1);
          await expectRefusedUnchanged(() => {
            if (framing !== 'lied about') {
              return rawRequest(cartUrl, {
                method,
                path,
                headers: headers({ authorization: bearer(TEST_OWNER), 'content-type': type }),
                body,
                chunked: framing === 'chunked',
              });
            }
            // Announces the size and sends a few bytes: the answer must not wait for the rest.
            const typeLines = [type ?? []].flat().map((value) => `Content-Type: ${value}\r\n`);
            return rawWire(
              cartUrl,
              Buffer.from(
                `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${bearer(TEST_OWNER)}\r\n` +
                  typeLines.join('') +
                  `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 64)}`,
              ),
            );
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers requests Node cannot parse with the same error body, on both services', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const addBody = JSON.stringify({ sku: 'NEW-SKU', quantity: 1 });
    /** Requests every part of the stack refuses, so whatever the mangling leaves of them is refused too. */
    const bases = [
      {
        url: () => cartUrl,
        line: () => `POST /carts/${watched}/items HTTP/1.1`,
        headers: ['Content-Type: application/json', `Content-Length: ${addBody.length}`],
        body: addBody,
      },
      { url: () => cartUrl, line: () => `DELETE /carts/${watched}/items/NOPE HTTP/1.1`, headers: [], body: '' },
      { url: () => cartUrl, line: () => `GET /carts/${unknown} HTTP/1.1`, headers: [], body: '' },
      {
        url: () => queryUrl,
        line: () => `GET /carts/${unknown} HTTP/1.1`,
        headers: ['X-Session-Token: AQ.forged'],
        body: '',
      },
    ];
    const controlByte = fc
      .integer({ min: 0, max: 0x1f })
      .filter((code) => code !== 0x09 && code !== 0x0a)
      .map((code) => String.fromCharCode(code));
    const mangling = fc.oneof(
      controlByte.map((c) => ({ header: `X-Session-Token: AQ${c}.AAAA` })),
      controlByte.map((c) => ({ header: `X-Cart${c}: 1` })),
      fc.constantFrom(
        { header: 'X-Session-Token : AQ.AAAA' },
        // UTF-8 in a value, which node:http will not send: fullwidth digits look like a version.
        { header: 'If-Match: "\uff14"' },
        { header: 'X-Session-Token: \u00e9\u20ac.AAAA' },
        { header: 'X Session Token: AQ.AAAA' },
        { header: 'X-Sessión-Token: AQ.AAAA' },
        { header: ': no-name' },
        { header: 'No-Colon' },
        { header: 'X-Folded: a\r\n  b' },
        { header: 'Content-Length: 5\r\nContent-Length: 6' },
        { header: 'Content-Length: -1' },
        { header: 'Content-Length: 1e3' },
        { header: 'Content-Length: 0x10' },
        { header: 'Content-Length: 5, 6' },
        { header: 'Content-Length: 99999999999999999999' },
        { header: 'Transfer-Encoding: chunked\r\nContent-Length: 3' },
        { header: 'Transfer-Encoding: gzip' },
        { header: 'Transfer-Encoding: chunked, identity' },
        { header: `X-Big: ${'x'.repeat(17 * 1024)}` },
        { header: Array.from({ length: 600 }, (_, i) => `X-Many-${i}: ${'y'.repeat(20)}`).join('\r\n') },
        { line: 'post /carts HTTP/1.1' },
        { line: 'BREW /carts HTTP/1.1' },
        { line: 'GET /carts/a b HTTP/1.1' },
        { line: 'GET /carts/\u00e9 HTTP/1.1' },
        { line: 'GET /carts/\u0000 HTTP/1.1' },
        { line: `GET /carts/${unknown} HTTP/1.2` },
        { line: `GET /carts/${unknown} HTTP/2.0` },
        { line: `GET /carts/${unknown} HTTX/1.1` },
        { line: `GET carts/${unknown} HTTP/1.1` },
        { line: `GET /${'c'.repeat(17 * 1024)} HTTP/1.1` },
        { line: '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003' },
        { line: 'PRI * HTTP/2.0' },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bases), mangling, async (base, mangle) => {
        const head = [
          'line' in mangle ? mangle.line : base.line(),
          'Host: localhost',
          `Authorization: ${bearer(TEST_OWNER)}`,
          ...base.headers,
          ...('header' in mangle ? [mangle.header] : []),
          'Connection: close',
        ];
        await expectRefusedUnchanged(() =>
          rawWire(base.url(), Buffer.from(`${head.join('\r\n')}\r\n\r\n${base.body}`, 'utf8')),
        );
      }),
      { numRuns: 100 },
    );
  });
});
