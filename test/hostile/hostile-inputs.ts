import fc from 'fast-check';
import { AccessTokenIssuer, AccessTokenVerifier } from '@converge/access-token';
import { SessionToken, SessionTokenCodec } from '@converge/session-token';
import { bearer, TEST_AUTH_SECRET, TEST_SESSION_SECRET, testAccessToken } from '../support/test-env';

/**
 * Arbitraries for what a hostile client sends. Each produces the text as it goes on the wire, so a
 * failing case shrinks to the exact bytes that broke the edge.
 */

/** Strings that have broken parsers, routers and SQL before; mixed in with random ones. */
const NASTY_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  "' OR '1'='1",
  "'; DROP TABLE carts; --",
  '1 UNION SELECT payload FROM outbox',
  '"',
  '\\',
  '\u0000',
  '\r\n',
  '\u202e',
  '\ufeff',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x1F',
  '__proto__',
  'constructor',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '😀',
  'é',
  'İ',
  'Ａ',
  '%00',
  '%2e%2e%2f',
  '*',
  '?',
  '#',
  ';',
  'a'.repeat(65),
];

const verifier = new AccessTokenVerifier(TEST_AUTH_SECRET);

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 65, maxLength: 400 }),
);

/** Characters node:http lets into a header value; the raw-socket property sends the rest. */
const headerSafeText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'null', '*', '"', ',', ';', '0', '-1', "' OR 1=1 --", '../..', '\t', 'é'),
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((code) => code !== 0x7f)
      .map((code) => String.fromCharCode(code)),
    maxLength: 60,
  }),
);

/** One path segment as sent, percent-encoded where a raw character would change the request line. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileText.map(encodeURIComponent), weight: 6 },
  // Escapes the router cannot decode: %FF and a cut multi-byte sequence are not UTF-8.
  {
    arbitrary: fc.constantFrom('%', '%%', '%G1', '%FF', '%C3%28', '%E2%82', '%2', '%u0041', '%00', '%2F', '%2e%2e'),
    weight: 2,
  },
  { arbitrary: hostileText.map((text) => encodeURIComponent(encodeURIComponent(text))), weight: 1 },
  // Past find-my-way's 100-character parameter limit, and past Node's 16 KiB for the whole head.
  { arbitrary: fc.integer({ min: 101, max: 4000 }).map((length) => 'a'.repeat(length)), weight: 1 },
  { arbitrary: fc.integer({ min: 16_500, max: 20_000 }).map((length) => 'b'.repeat(length)), weight: 1 },
);

/** A cart id that is almost one: each is refused as INVALID_CART_ID, or names no cart at all. */
export const nearUuid: fc.Arbitrary<string> = fc.oneof(
  fc.uuid().map((id) => id.replace(/-/g, '')),
  fc.uuid().map((id) => `{${id}}`),
  fc.uuid().map((id) => `urn:uuid:${id}`),
  fc.uuid().map((id) => `${id}0`),
  fc.uuid().map((id) => id.slice(1)),
  fc.uuid().map((id) => `%20${id}`),
  fc.uuid().map((id) => `${id}%0A`),
  fc.uuid().map((id) => id.replace(/[a-f]/, 'g')),
  fc.uuid().map((id) => id.replace(/-/, '_')),
  fc.uuid().map((id) => encodeURIComponent(`${id}' OR '1'='1`)),
  fc.uuid().map((id) => `${id}%2F..%2F..`),
  // Fullwidth digits look like a UUID to a human and to some regex engines.
  fc.uuid().map((id) => encodeURIComponent(id.replace(/\d/, (digit) => String.fromCharCode(0xff10 + Number(digit))))),
);

/** A UUID that is well-formed but names no cart: valid, and still refused (404). */
export const unknownUuid: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
);

/** Appended to a path: the router and the query parser see it, the handlers should not care. */
export const querySuffix: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '?',
      '?a=1',
      '?__proto__[polluted]=1',
      '?constructor[prototype][polluted]=1',
      `?${'a=1&'.repeat(500)}`,
      '?%FF',
      '?sku=other&quantity=1',
      '#fragment',
    ),
    weight: 1,
  },
);

/** Number-ish tokens written straight into JSON text, some of them not JSON at all. */
const rawNumberToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '-0',
    '1e400',
    '-1e400',
    '1.5',
    '0.999999999999999999',
    '1000.0000000001',
    '123456789012345678901234567890',
    '1E3',
    '0.1e1',
    '1.0',
    '0x10',
    'NaN',
    'Infinity',
    '+1',
    '01',
    '.5',
    '1.',
    '1e',
    '--1',
  ),
  fc.double().map((value) => JSON.stringify(value)),
  fc.integer({ min: -(2 ** 31), max: 0 }).map(String),
  fc.integer({ min: 1001, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }).map(String),
);

/** A JSON value of the wrong type for a field, written as JSON text. */
const wrongTypeToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '[1]', '"1"', '"5"', '" 1"', '"NaN"', '{"$gt":0}', '"\\ud800"'),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null'),
  hostileText.map((text) => JSON.stringify(text)),
);

/** A quantity that is valid, so that something else in the request has to be what refuses it. */
const validQuantityToken = fc.integer({ min: 0, max: 1000 }).map(String);
const quantityToken = fc.oneof(rawNumberToken, wrongTypeToken, validQuantityToken);

const skuToken: fc.Arbitrary<string> = fc.oneof(
  hostileText.map((text) => JSON.stringify(text)),
  wrongTypeToken,
  // Valid skus, some of them spelled with escapes.
  fc.constantFrom('"NEW-SKU"', '"\\u0041"', '"a.b_c-d"', `"${'x'.repeat(64)}"`),
);

const extraMember: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '"note":"x"',
    '"sku":"DUPLICATE"',
    '"quantity":1',
    '"__proto__":{"polluted":1}',
    '"constructor":{"prototype":{"polluted":1}}',
    '"":0',
  ),
  fc.tuple(hostileText, wrongTypeToken).map(([key, value]) => `${JSON.stringify(key)}:${value}`),
);

/** An object with the given members, each possibly missing, possibly repeated, plus extras. */
function objectText(members: Array<[string, fc.Arbitrary<string>]>): fc.Arbitrary<string> {
  const named = members.map(([name, value]) =>
    fc.option(
      value.map((text) => `"${name}":${text}`),
      { nil: undefined },
    ),
  );
  return fc
    .tuple(fc.tuple(...named), fc.array(extraMember, { maxLength: 2 }), fc.constantFrom('', ' ', '\n', '\ufeff'))
    .map(([present, extras, padding]) => {
      const fields = present.filter((field): field is string => field !== undefined);
      return `${padding}{${[...fields, ...extras].join(',')}}`;
    });
}

function truncated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return text
    .filter((whole) => whole.length > 1)
    .chain((whole) => fc.integer({ min: 1, max: whole.length - 1 }).map((end) => whole.slice(0, end)));
}

/** Nested past what any body of the API needs, up to filling 16 KiB. */
const deepJson: fc.Arbitrary<string> = fc
  .integer({ min: 33, max: 8000 })
  .chain((depth) =>
    fc.constantFrom(
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `${'{"a":'.repeat(Math.min(depth, 2700))}1${'}'.repeat(Math.min(depth, 2700))}`,
      `{"sku":"A","quantity":${'['.repeat(Math.min(depth, 7000))}${']'.repeat(Math.min(depth, 7000))}}`,
    ),
  );

/**
 * Any body text for a JSON endpoint, built around the fields the endpoint reads. `wellFormed`
 * bodies have the endpoint's shape (one step off it, for POST /carts), so what refuses them is a
 * rule of the cart or another part of the request.
 */
function bodyTextAround(
  members: Array<[string, fc.Arbitrary<string>]>,
  wellFormed: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  const shaped = objectText(members);
  return fc.oneof(
    { arbitrary: shaped, weight: 4 },
    { arbitrary: wellFormed, weight: 1 },
    { arbitrary: truncated(shaped), weight: 1 },
    { arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    { arbitrary: shaped.map((text) => `[${text}]`), weight: 1 },
    { arbitrary: deepJson, weight: 1 },
  );
}

/** Skus of the watched cart's lines are LINE-000 to LINE-099, every one at the 1000 limit. */
const wellFormedSku = fc.constantFrom('"NEW-SKU"', '"LINE-000"', '"LINE-099"', '"\\u004cINE-042"');

export const addItemBody = bodyTextAround(
  [
    ['sku', skuToken],
    ['quantity', quantityToken],
  ],
  fc
    .tuple(wellFormedSku, fc.integer({ min: 1, max: 1000 }))
    .map(([sku, quantity]) => `{"sku":${sku},"quantity":${quantity}}`),
);

export const setQuantityBody = bodyTextAround(
  [['quantity', quantityToken]],
  fc.integer({ min: 0, max: 1000 }).map((quantity) => `{"quantity":${quantity}}`),
);

/** For POST /carts, which takes no input: JSON that is not `{}` or `null`, or no JSON at all. */
export const createCartBody: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  bodyTextAround([['id', skuToken]], fc.constantFrom('{"id":null}', '[]', '""', '0')),
  fc.json({ maxDepth: 2 }),
);

/** Content types a client might send with a body; an array repeats the header. */
export const contentType: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      'application/merge-patch+json',
      'application/json-patch+json',
      'APPLICATION/JSON',
      'application/json; charset=utf-16',
      'application/json;charset=',
      'application/*',
      '*/*',
      'json',
      ';',
      'application/json, text/plain',
      ['text/plain', 'application/json'],
      ['application/json', 'application/json'],
    ),
    weight: 3,
  },
  { arbitrary: headerSafeText, weight: 1 },
);

const codec = new SessionTokenCodec(TEST_SESSION_SECRET);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const tokenEntries = fc.array(fc.tuple(fc.uuid(), fc.nat({ max: 2 ** 32 - 1 })), { minLength: 0, maxLength: 5 });

/** A token this deployment signed: the raw material for tampering and replaying. */
export function genuineToken(entries: Array<[string, number]>): string {
  return codec.encode(SessionToken.of(entries));
}

/** Whether the services would take this header as a token that verifies. */
export function tokenVerifies(header: string | string[] | undefined): boolean {
  if (header === undefined) return true;
  if (typeof header !== 'string') return false;
  try {
    // Node trims a header value's surrounding whitespace before anyone reads it.
    codec.decode(header.trim());
    return true;
  } catch {
    return false;
  }
}

/** X-Session-Token values that must never verify: absent is the caller's choice. */
export function forgedToken(watchedCart: string): fc.Arbitrary<string | string[]> {
  const genuine = tokenEntries.map((entries) => genuineToken([...entries, [watchedCart, 1]]));
  return fc.oneof(
    headerSafeText,
    // Cut anywhere: the signature no longer matches, or the text is no longer two parts.
    truncated(genuine),
    // One character changed to another base64url character.
    fc.tuple(genuine, fc.nat(), fc.nat()).map(([text, at, by]) => {
      const index = at % text.length;
      if (text[index] === '.') return `${text.slice(0, index)}A${text.slice(index + 1)}`;
      const next = BASE64URL[(BASE64URL.indexOf(text[index]) + 1 + (by % (BASE64URL.length - 1))) % BASE64URL.length];
      return `${text.slice(0, index)}${next}${text.slice(index + 1)}`;
    }),
    // Signed correctly, by another deployment's secret.
    fc
      .tuple(fc.string({ minLength: 32, maxLength: 64 }), tokenEntries)
      .map(([secret, entries]) =>
        new SessionTokenCodec(secret).encode(SessionToken.of([...entries, [watchedCart, 2 ** 32 - 1]])),
      ),
    genuine.map((text) => text.split('.').reverse().join('.')),
    genuine.map((text) => `${text}.${text}`),
    genuine.map((text) => text.replace('.', '. ')),
    // Past the codec's 2,048 characters, and past Node's 16 KiB for all headers together.
    fc.integer({ min: 2049, max: 15_000 }).map((length) => `${'A'.repeat(length)}.AAAA`),
    fc.integer({ min: 16_500, max: 24_000 }).map((length) => 'A'.repeat(length)),
    // Repeated: Node joins the values with ", ", which is no token.
    fc.tuple(genuine, genuine).map(([a, b]) => [a, b]),
    genuine.map((text) => [text, '']),
    genuine.map((text) => [text, text]),
  );
}

/** X-Session-Token values of every kind, mostly absent so that the rest of the request is reached. */
export function anyToken(watchedCart: string): fc.Arbitrary<string | string[] | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 5 },
    { arbitrary: forgedToken(watchedCart), weight: 2 },
    // Genuine tokens for other carts: valid, so the rest of the request must be what is refused.
    { arbitrary: tokenEntries.map(genuineToken), weight: 1 },
  );
}

/** If-Match values, mostly absent: stale, malformed, repeated, or "*", which asks only that the cart exist. */
export const ifMatch: fc.Arbitrary<string | string[] | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      '"0"',
      '0',
      '*',
      'W/"100"',
      '"-1"',
      '"1.5"',
      '"03"',
      '"a"',
      '""',
      '',
      '"1", "2"',
      '"99999999999"',
      '"\u00b9"',
      ['"100"', '"100"'],
      ['*', '"0"'],
    ),
    weight: 2,
  },
  { arbitrary: headerSafeText, weight: 1 },
);

export const traceparent: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  fc.constantFrom('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'ff-00-00-00', '00-'.repeat(200)),
  headerSafeText,
);

const otherIssuer = new AccessTokenIssuer(`${TEST_AUTH_SECRET}-of-another-deployment`);
const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Authorization headers: mostly the watched cart's owner, so the rest of the request is reached;
 * otherwise another caller (404 for the watched cart), or no token, or one that must never
 * verify: expired, signed elsewhere, unsigned, forged, oversized, repeated, another scheme.
 */
export function authorization(owner: string): fc.Arbitrary<string | string[] | undefined> {
  const refused = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${testAccessToken(owner, -60)}`),
    fc.constant(`Bearer ${otherIssuer.issue(owner)}`),
    fc.constant(`Bearer ${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub: owner, exp: 4e9 })}.`),
    fc.constant(`Bearer ${testAccessToken(owner).replace(/\.[^.]+$/, '.AAAA')}`),
    fc.constant(`Bearer ${'a'.repeat(5000)}.b.c`),
    fc.constant<string[]>([bearer(owner), bearer(owner)]),
    fc.constant(`Basic ${Buffer.from(`${owner}:x`).toString('base64')}`),
    // What node:http will put on the wire: printable ASCII.
    hostileText.filter((text) => /^[\x20-\x7e]*$/.test(text)).map((text) => `Bearer ${text}`),
  );
  return fc.oneof(
    { arbitrary: fc.constant(bearer(owner)), weight: 8 },
    { arbitrary: fc.constant(bearer(`${owner}-not`)), weight: 1 },
    { arbitrary: refused, weight: 2 },
  );
}

/** The caller the header names with a token the stack accepts; undefined for any other header. */
function principalOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    return verifier.verify(header.trim()).owner;
  } catch {
    return undefined;
  }
}

/** Whether the header names this owner with a token the stack accepts. */
export const authorizes = (header: string | string[] | undefined, owner: string): boolean =>
  principalOf(header) === owner;

/** Whether the header carries any token the stack accepts, whoever it names. */
export const authenticates = (header: string | string[] | undefined): boolean => principalOf(header) !== undefined;
