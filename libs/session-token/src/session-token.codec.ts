import { createHmac, timingSafeEqual } from 'node:crypto';
import { CART_ID_BYTES, cartIdFromBytes, cartIdToBytes } from './cart-id';
import { InvalidSessionTokenError } from './invalid-session-token.error';
import { MAX_SESSION_TOKEN_CARTS, SessionToken, SessionTokenEntry } from './session-token';

/** Format 1 carries no key id and is read as signed by key 0: tokens issued before rotation existed. */
const UNKEYED_FORMAT = 1;
/** Format 2: the format byte, then the signing key's id as a big-endian uint16. */
const KEYED_FORMAT = 2;
const UNKEYED_HEADER_BYTES = 1;
const KEYED_HEADER_BYTES = 3;
const UNKEYED_KEY_ID = 0;
export const MAX_SESSION_TOKEN_KEY_ID = 0xffff;
const ENTRY_BYTES = CART_ID_BYTES + 4;
const MIN_SECRET_BYTES = 32;
/** Far above a full token (~900 chars); caps the work an attacker can make us do before the signature check. */
const MAX_TEXT_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A key that signed tokens before the current one, still accepted until `until`: the grace period of a rotation. */
export interface PreviousSessionTokenKey {
  readonly id: number;
  readonly secret: string;
  readonly until: Date;
}

export interface SessionTokenKeyRing {
  /** Id of the secret new tokens are signed with; 0 keeps issuing format-1 tokens, byte for byte as before. */
  readonly keyId?: number;
  readonly previousKeys?: ReadonlyArray<PreviousSessionTokenKey>;
  /** Epoch milliseconds; tests move it to see a grace period end. */
  readonly now?: () => number;
}

interface VerificationKey {
  readonly key: Buffer;
  readonly untilMs: number;
}

/**
 * Text form: base64url(payload) '.' base64url(HMAC-SHA256(payload)). The payload is a header
 * (format byte, and in format 2 the signing key's id) followed by 16 raw UUID bytes and a
 * big-endian uint32 version per cart, oldest first. The key id is under the signature, so it
 * cannot be changed without breaking it.
 */
export class SessionTokenCodec {
  /** ES private fields, so no key ever shows up in inspection or JSON of the codec. */
  readonly #keyId: number;
  readonly #keys = new Map<number, VerificationKey>();
  readonly #now: () => number;

  constructor(secret: string, ring: SessionTokenKeyRing = {}) {
    this.#keyId = ring.keyId ?? UNKEYED_KEY_ID;
    this.#now = ring.now ?? Date.now;
    this.addKey(this.#keyId, secret, Number.POSITIVE_INFINITY);
    for (const previous of ring.previousKeys ?? []) this.addKey(previous.id, previous.secret, previous.until.getTime());
  }

  encode(token: SessionToken): string {
    const payload = writePayload(this.#keyId, token.entries());
    return `${payload.toString('base64url')}.${this.sign(this.currentKey(), payload).toString('base64url')}`;
  }

  decode(text: string): SessionToken {
    const payload = this.verifiedPayload(text);
    return SessionToken.of(readEntries(payload));
  }

  private addKey(id: number, secret: string, untilMs: number): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_SESSION_TOKEN_KEY_ID) {
      throw new RangeError(`session token key id must be an integer from 0 to ${MAX_SESSION_TOKEN_KEY_ID}`);
    }
    // A missing setting arrives here as undefined at runtime despite the type.
    if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new RangeError(`session token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    if (Number.isNaN(untilMs)) throw new RangeError('a previous session token key needs a valid until');
    if (this.#keys.has(id)) throw new RangeError(`session token key id ${id} is given twice`);
    this.#keys.set(id, { key: Buffer.from(secret, 'utf8'), untilMs });
  }

  private currentKey(): Buffer {
    return (this.#keys.get(this.#keyId) as VerificationKey).key;
  }

  private verifiedPayload(text: string): Buffer {
    if (typeof text !== 'string') throw new InvalidSessionTokenError('malformed');
    if (text.length > MAX_TEXT_LENGTH) throw new InvalidSessionTokenError('too-long');
    const parts = text.split('.');
    if (parts.length !== 2) throw new InvalidSessionTokenError('malformed');
    const [payload, signature] = parts.map(decodeBase64Url);
    const signer = this.signerOf(payload);
    if (!this.hasValidSignature(signer.key, payload, signature)) throw new InvalidSessionTokenError('bad-signature');
    // Checked after the signature, so only a token we really issued learns that its key was retired.
    if (this.#now() > signer.untilMs) throw new InvalidSessionTokenError('expired-key');
    return payload;
  }

  /**
   * A header that names no key (an unknown format, a truncated one) is checked against the
   * current key: a tampered token then reads as a bad signature, and only a signed one reaches
   * the format checks.
   */
  private signerOf(payload: Buffer): VerificationKey {
    const id = keyIdOf(payload);
    if (id === undefined) return this.#keys.get(this.#keyId) as VerificationKey;
    const signer = this.#keys.get(id);
    if (!signer) throw new InvalidSessionTokenError('unknown-key');
    return signer;
  }

  private hasValidSignature(key: Buffer, payload: Buffer, signature: Buffer): boolean {
    const expected = this.sign(key, payload);
    // timingSafeEqual throws on unequal lengths, and a length mismatch reveals nothing secret.
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  private sign(key: Buffer, payload: Buffer): Buffer {
    return createHmac('sha256', key).update(payload).digest();
  }
}

function keyIdOf(payload: Buffer): number | undefined {
  if (payload[0] === UNKEYED_FORMAT) return UNKEYED_KEY_ID;
  if (payload[0] === KEYED_FORMAT && payload.length >= KEYED_HEADER_BYTES) return payload.readUInt16BE(1);
  return undefined;
}

function headerBytesOf(format: number): number {
  return format === KEYED_FORMAT ? KEYED_HEADER_BYTES : UNKEYED_HEADER_BYTES;
}

function writePayload(keyId: number, entries: ReadonlyArray<SessionTokenEntry>): Buffer {
  const format = keyId === UNKEYED_KEY_ID ? UNKEYED_FORMAT : KEYED_FORMAT;
  const headerBytes = headerBytesOf(format);
  const payload = Buffer.alloc(headerBytes + entries.length * ENTRY_BYTES);
  payload.writeUInt8(format, 0);
  if (format === KEYED_FORMAT) payload.writeUInt16BE(keyId, 1);
  entries.forEach(([cartId, version], index) => {
    const offset = headerBytes + index * ENTRY_BYTES;
    cartIdToBytes(cartId).copy(payload, offset);
    payload.writeUInt32BE(version, offset + CART_ID_BYTES);
  });
  return payload;
}

/**
 * Node's decoder silently skips stray characters and ignores trailing bits, so the text is
 * checked first and must re-encode to itself: one token, one spelling.
 */
function decodeBase64Url(part: string): Buffer {
  if (!BASE64URL.test(part)) throw new InvalidSessionTokenError('malformed');
  const bytes = Buffer.from(part, 'base64url');
  if (bytes.toString('base64url') !== part) throw new InvalidSessionTokenError('malformed');
  return bytes;
}

function readEntries(payload: Buffer): SessionTokenEntry[] {
  const headerBytes = headerBytesOf(payload[0]);
  const count = entryCount(payload, headerBytes);
  const entries: SessionTokenEntry[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < count; index++) {
    const offset = headerBytes + index * ENTRY_BYTES;
    const cartId = cartIdFromBytes(payload.subarray(offset, offset + CART_ID_BYTES));
    if (seen.has(cartId)) throw new InvalidSessionTokenError('duplicate-cart');
    seen.add(cartId);
    entries.push([cartId, payload.readUInt32BE(offset + CART_ID_BYTES)]);
  }
  return entries;
}

function entryCount(payload: Buffer, headerBytes: number): number {
  const entryBytes = payload.length - headerBytes;
  if (entryBytes < 0 || entryBytes % ENTRY_BYTES !== 0) throw new InvalidSessionTokenError('bad-length');
  const format = payload.readUInt8(0);
  if (format !== UNKEYED_FORMAT && format !== KEYED_FORMAT) throw new InvalidSessionTokenError('unsupported-format');
  const count = entryBytes / ENTRY_BYTES;
  if (count > MAX_SESSION_TOKEN_CARTS) throw new InvalidSessionTokenError('too-many-carts');
  return count;
}
