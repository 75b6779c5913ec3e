import { createHmac } from 'node:crypto';
import { AppError } from '@converge/platform';
import { InvalidSessionTokenError, InvalidSessionTokenReason } from './invalid-session-token.error';
import { MAX_SESSION_TOKEN_CARTS, SessionToken } from './session-token';
import { SessionTokenCodec } from './session-token.codec';

const SECRET = 'test-secret-that-is-long-enough-for-hmac';
const OTHER_SECRET = 'another-secret-that-is-long-enough-too';
const URL_SAFE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const cart = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const fullToken = (): SessionToken =>
  SessionToken.of(Array.from({ length: MAX_SESSION_TOKEN_CARTS }, (_, i) => [cart(i + 1), 2 ** 32 - 1 - i] as const));

/** Builds a correctly signed token around any payload, to reach the checks behind the signature. */
function signed(payload: Buffer, secret = SECRET): string {
  const signature = createHmac('sha256', secret).update(payload).digest();
  return `${payload.toString('base64url')}.${signature.toString('base64url')}`;
}

function entryBytes(n: number, version = 1): Buffer {
  const entry = Buffer.alloc(20);
  Buffer.from(cart(n).replace(/-/g, ''), 'hex').copy(entry);
  entry.writeUInt32BE(version, 16);
  return entry;
}

function payloadOf(count: number, format = 1): Buffer {
  return Buffer.concat([Buffer.from([format]), ...Array.from({ length: count }, (_, i) => entryBytes(i + 1))]);
}

function rejectionOf(codec: SessionTokenCodec, text: string): InvalidSessionTokenError {
  try {
    codec.decode(text);
  } catch (error) {
    if (error instanceof InvalidSessionTokenError) return error;
    throw error;
  }
  throw new Error('expected the token to be rejected');
}

describe('SessionTokenCodec', () => {
  const codec = new SessionTokenCodec(SECRET);
  const expectRejected = (text: string, reason: InvalidSessionTokenReason): void => {
    expect(rejectionOf(codec, text).reason).toBe(reason);
  };

  describe('secret', () => {
    it('must be at least 32 bytes', () => {
      expect(() => new SessionTokenCodec('x'.repeat(31))).toThrow(RangeError);
      expect(() => new SessionTokenCodec('x'.repeat(32))).not.toThrow();
    });

    it('must be present', () => {
      expect(() => new SessionTokenCodec(undefined as unknown as string)).toThrow(RangeError);
    });

    it('is measured in utf8 bytes, not characters', () => {
      expect(() => new SessionTokenCodec('é'.repeat(16))).not.toThrow();
      expect(() => new SessionTokenCodec('é'.repeat(15))).toThrow(RangeError);
    });

    it('is not echoed when rejected', () => {
      const secret = 'short-but-secret';
      const construct = (): SessionTokenCodec => new SessionTokenCodec(secret);

      expect(construct).toThrow('session token secret must be at least 32 bytes');
      expect(construct).not.toThrow(secret);
    });

    it('does not show up when the codec is serialised', () => {
      expect(JSON.stringify(codec)).not.toContain(SECRET);
      expect(Object.values(codec)).toEqual([]);
    });
  });

  describe('round trip', () => {
    it('keeps an empty token', () => {
      const text = codec.encode(SessionToken.empty());

      expect(text).toMatch(URL_SAFE_TOKEN);
      expect(codec.decode(text).isEmpty).toBe(true);
    });

    it('keeps a full token, versions and recency order included', () => {
      const token = fullToken().require(cart(1), 0);

      expect(codec.decode(codec.encode(token)).entries()).toEqual(token.entries());
    });

    it('keeps version 0 and the largest version', () => {
      const token = SessionToken.of([
        [cart(1), 0],
        [cart(2), 2 ** 32 - 1],
      ]);

      expect(codec.decode(codec.encode(token)).entries()).toEqual(token.entries());
    });

    it('is deterministic', () => {
      expect(codec.encode(fullToken())).toBe(codec.encode(fullToken()));
    });

    it('is accepted by another codec with the same secret', () => {
      const text = codec.encode(fullToken());

      expect(new SessionTokenCodec(SECRET).decode(text).entries()).toEqual(fullToken().entries());
    });
  });

  describe('text', () => {
    it('is URL-safe', () => {
      expect(codec.encode(fullToken())).toMatch(URL_SAFE_TOKEN);
    });

    it(`stays under 1,000 characters with ${MAX_SESSION_TOKEN_CARTS} carts`, () => {
      // 641 payload bytes -> 855 characters, a dot, 32 signature bytes -> 43 characters.
      expect(codec.encode(fullToken())).toHaveLength(899);
    });

    it('is short when empty', () => {
      expect(codec.encode(SessionToken.empty())).toHaveLength(46);
    });
  });

  describe('rejects', () => {
    const valid = codec.encode(
      SessionToken.of([
        [cart(1), 7],
        [cart(2), 9],
      ]),
    );
    const [payloadPart, signaturePart] = valid.split('.');

    it.each([
      '',
      'abc',
      valid.replace('.', ''),
      `${valid}.`,
      `${valid}.${signaturePart}`,
      `.${signaturePart}`,
      `${payloadPart}.`,
    ])('text that is not exactly two base64url parts: %p', (text) => {
      expectRejected(text, 'malformed');
    });

    it('text longer than 2048 characters before decoding anything', () => {
      expectRejected('!'.repeat(2049), 'too-long');
      expectRejected(`${payloadPart}${'A'.repeat(2049 - valid.length)}.${signaturePart}`, 'too-long');
    });

    it('does not count 2048 characters as too long', () => {
      expect(rejectionOf(codec, '!'.repeat(2048)).reason).not.toBe('too-long');
    });

    it.each(['+', '/', '=', ' ', '%', '~', '\n', 'é'])('a non-base64url character %p', (character) => {
      expectRejected(`${payloadPart}${character}.${signaturePart}`, 'malformed');
      expectRejected(`${payloadPart}.${character}${signaturePart}`, 'malformed');
    });

    it('base64 padding', () => {
      expectRejected(`${payloadPart}==.${signaturePart}`, 'malformed');
      expectRejected(`${payloadPart}.${signaturePart}=`, 'malformed');
    });

    it('a second spelling of the same bytes', () => {
      // "AQ" and "AR" both decode to the byte 0x01; only the canonical one is accepted.
      const empty = codec.encode(SessionToken.empty());
      expect(empty.startsWith('AQ.')).toBe(true);

      expectRejected(`AR${empty.slice(2)}`, 'malformed');
    });

    it('a tampered signature', () => {
      const first = signaturePart.startsWith('A') ? 'B' : 'A';

      expectRejected(`${payloadPart}.${first}${signaturePart.slice(1)}`, 'bad-signature');
    });

    it('a truncated or lengthened signature', () => {
      expectRejected(`${payloadPart}.${signaturePart.slice(0, -3)}`, 'bad-signature');
      expectRejected(`${payloadPart}.${signaturePart}AAAA`, 'bad-signature');
    });

    it('a token signed with another secret', () => {
      const foreign = new SessionTokenCodec(OTHER_SECRET).encode(SessionToken.of([[cart(1), 7]]));

      expectRejected(foreign, 'bad-signature');
    });

    it('a payload with any single byte changed', () => {
      const payload = Buffer.from(payloadPart, 'base64url');
      for (let index = 0; index < payload.length; index++) {
        const tampered = Buffer.from(payload);
        tampered[index] ^= 0x01;

        expectRejected(`${tampered.toString('base64url')}.${signaturePart}`, 'bad-signature');
      }
    });

    it('a truncated payload kept with its old signature', () => {
      const payload = Buffer.from(payloadPart, 'base64url');

      expectRejected(`${payload.subarray(0, -1).toString('base64url')}.${signaturePart}`, 'bad-signature');
    });

    it.each([
      ['truncated', payloadOf(2).subarray(0, -1)],
      ['truncated to its header', payloadOf(1).subarray(0, 20)],
      ['padded', Buffer.concat([payloadOf(2), Buffer.from([0])])],
      ['padded by a partial entry', Buffer.concat([payloadOf(1), Buffer.alloc(19)])],
    ])('a correctly signed payload that is %s', (_, payload) => {
      expectRejected(signed(payload), 'bad-length');
    });

    it.each([0, 3, 255])('an unknown format byte %p', (format) => {
      expectRejected(signed(payloadOf(1, format)), 'unsupported-format');
    });

    it(`more than ${MAX_SESSION_TOKEN_CARTS} carts`, () => {
      expect(codec.decode(signed(payloadOf(MAX_SESSION_TOKEN_CARTS))).size).toBe(MAX_SESSION_TOKEN_CARTS);

      expectRejected(signed(payloadOf(MAX_SESSION_TOKEN_CARTS + 1)), 'too-many-carts');
    });

    it('the same cart twice', () => {
      const payload = Buffer.concat([Buffer.from([1]), entryBytes(1, 1), entryBytes(2, 1), entryBytes(1, 2)]);

      expectRejected(signed(payload), 'duplicate-cart');
    });

    it('a value that is not a string', () => {
      expectRejected(42 as unknown as string, 'malformed');
    });
  });

  describe('rejection error', () => {
    const foreign = new SessionTokenCodec(OTHER_SECRET).encode(SessionToken.empty());
    const error = rejectionOf(codec, foreign);

    it('is an invalid, non-retriable AppError', () => {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toBeInstanceOf(InvalidSessionTokenError);
      expect(error.name).toBe('InvalidSessionTokenError');
      expect(error.code).toBe('SESSION_TOKEN_INVALID');
      expect(error.kind).toBe('invalid');
      expect(error.retriable).toBe(false);
    });

    it('names the problem without echoing the secret or the input', () => {
      const input = `${'Q'.repeat(40)}.${'Z'.repeat(43)}`;
      const { message } = rejectionOf(codec, input);

      expect(message).toMatch(/^Session token is invalid: /);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain('QQQQ');
      expect(error.message).toBe('Session token is invalid: its signature does not match');
    });
  });
});
