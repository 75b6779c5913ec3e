import { createHmac } from 'node:crypto';
import { InvalidSessionTokenError, InvalidSessionTokenReason } from './invalid-session-token.error';
import { SessionToken } from './session-token';
import { SessionTokenCodec } from './session-token.codec';

const OLD_SECRET = 'the-old-session-secret-of-32-bytes-or-more';
const NEW_SECRET = 'the-new-session-secret-of-32-bytes-or-more';
const NOW = Date.parse('2026-11-30T12:00:00Z');
const LATER = new Date(NOW + 3_600_000);
const EARLIER = new Date(NOW - 1);

const cart = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const token = SessionToken.of([
  [cart(1), 7],
  [cart(2), 9],
]);
const now = (): number => NOW;

function rejectionOf(codec: SessionTokenCodec, text: string): InvalidSessionTokenReason {
  try {
    codec.decode(text);
  } catch (error) {
    if (error instanceof InvalidSessionTokenError) return error.reason;
    throw error;
  }
  throw new Error('expected the token to be rejected');
}

/** A service after the rotation: the new key current as id 2, the old one (id 1) accepted until `until`. */
const rotated = (until: Date, oldId = 1): SessionTokenCodec =>
  new SessionTokenCodec(NEW_SECRET, { keyId: 2, previousKeys: [{ id: oldId, secret: OLD_SECRET, until }], now });

describe('SessionTokenCodec key rotation', () => {
  const beforeRotation = new SessionTokenCodec(OLD_SECRET, { keyId: 1, now });

  it('signs new tokens with the current key, in format 2 naming its id', () => {
    const text = rotated(LATER).encode(token);
    const payload = Buffer.from(text.split('.')[0], 'base64url');

    expect([...payload.subarray(0, 3)]).toEqual([2, 0, 2]);
    expect(new SessionTokenCodec(NEW_SECRET, { keyId: 2, now }).decode(text).entries()).toEqual(token.entries());
  });

  it('reads a token of the current key', () => {
    const codec = rotated(LATER);

    expect(codec.decode(codec.encode(token)).entries()).toEqual(token.entries());
  });

  it('reads a token of a previous key within its grace period', () => {
    expect(rotated(LATER).decode(beforeRotation.encode(token)).entries()).toEqual(token.entries());
  });

  it('still reads it at the very instant its grace period ends', () => {
    expect(rotated(new Date(NOW)).decode(beforeRotation.encode(token)).entries()).toEqual(token.entries());
  });

  it('refuses a token of a previous key past its grace period', () => {
    expect(rejectionOf(rotated(EARLIER), beforeRotation.encode(token))).toBe('expired-key');
  });

  it('refuses a token naming a key id it does not hold', () => {
    const foreign = new SessionTokenCodec(OLD_SECRET, { keyId: 9, now }).encode(token);

    expect(rejectionOf(rotated(LATER), foreign)).toBe('unknown-key');
  });

  it('refuses a token whose key id was changed, as its signature no longer matches', () => {
    const [payloadPart, signaturePart] = rotated(LATER).encode(token).split('.');
    const payload = Buffer.from(payloadPart, 'base64url');
    payload.writeUInt16BE(1, 1);

    expect(rejectionOf(rotated(LATER), `${payload.toString('base64url')}.${signaturePart}`)).toBe('bad-signature');
  });

  it('refuses a token of an expired key only once its signature holds', () => {
    const forged = new SessionTokenCodec('somebody-else-s-secret-of-32-bytes!!', { keyId: 1, now }).encode(token);

    expect(rejectionOf(rotated(EARLIER), forged)).toBe('bad-signature');
  });

  describe('format 1, issued before key ids existed', () => {
    const unkeyed = new SessionTokenCodec(OLD_SECRET);

    it('is still what a codec of key id 0 issues, byte for byte', () => {
      const text = new SessionTokenCodec(OLD_SECRET, { keyId: 0 }).encode(token);
      const payload = Buffer.concat([
        Buffer.from([1]),
        ...token.entries().map(([id, version]) => {
          const entry = Buffer.alloc(20);
          Buffer.from(id.replace(/-/g, ''), 'hex').copy(entry);
          entry.writeUInt32BE(version, 16);
          return entry;
        }),
      ]);
      const signature = createHmac('sha256', OLD_SECRET).update(payload).digest();

      expect(text).toBe(`${payload.toString('base64url')}.${signature.toString('base64url')}`);
      expect(text).toBe(unkeyed.encode(token));
    });

    it('reads as key 0 after a rotation that keeps key 0 as previous', () => {
      const codec = new SessionTokenCodec(NEW_SECRET, {
        keyId: 1,
        previousKeys: [{ id: 0, secret: OLD_SECRET, until: LATER }],
        now,
      });

      expect(codec.decode(unkeyed.encode(token)).entries()).toEqual(token.entries());
    });

    it('is refused once key 0 is past its grace period', () => {
      const codec = new SessionTokenCodec(NEW_SECRET, {
        keyId: 1,
        previousKeys: [{ id: 0, secret: OLD_SECRET, until: EARLIER }],
        now,
      });

      expect(rejectionOf(codec, unkeyed.encode(token))).toBe('expired-key');
    });

    it('is refused by a service that no longer holds key 0', () => {
      expect(rejectionOf(rotated(LATER), unkeyed.encode(token))).toBe('unknown-key');
    });
  });

  describe('keys', () => {
    it('refuses an id given twice', () => {
      expect(() => rotated(LATER, 2)).toThrow('session token key id 2 is given twice');
    });

    it.each([-1, 65_536, 1.5])('refuses the key id %p', (keyId) => {
      expect(() => new SessionTokenCodec(NEW_SECRET, { keyId })).toThrow(RangeError);
    });

    it('refuses a short previous secret without echoing it', () => {
      const construct = (): SessionTokenCodec =>
        new SessionTokenCodec(NEW_SECRET, { previousKeys: [{ id: 1, secret: 'short-old-secret', until: LATER }] });

      expect(construct).toThrow('session token secret must be at least 32 bytes');
      expect(construct).not.toThrow('short-old-secret');
    });

    it('keeps every key out of the codec when serialised', () => {
      const codec = rotated(LATER);

      expect(JSON.stringify(codec)).not.toContain(OLD_SECRET);
      expect(Object.values(codec)).toEqual([]);
    });
  });
});
