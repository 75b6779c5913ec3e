import { createHmac, timingSafeEqual } from 'node:crypto';
import { CART_ID_BYTES, cartIdFromBytes, cartIdToBytes } from './cart-id';
import { InvalidSessionTokenError } from './invalid-session-token.error';
import { MAX_SESSION_TOKEN_CARTS, SessionToken, SessionTokenEntry } from './session-token';

const FORMAT_VERSION = 1;
const HEADER_BYTES = 1;
const ENTRY_BYTES = CART_ID_BYTES + 4;
const MIN_SECRET_BYTES = 32;
/** Far above a full token (~900 chars); caps the work an attacker can make us do before the signature check. */
const MAX_TEXT_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Text form: base64url(payload) '.' base64url(HMAC-SHA256(payload)). The payload is a format byte
 * followed by 16 raw UUID bytes and a big-endian uint32 version per cart, oldest first.
 */
export class SessionTokenCodec {
  /** An ES private field, so the key never shows up in inspection or JSON of the codec. */
  readonly #key: Buffer;

  constructor(secret: string) {
    // A missing setting arrives here as undefined at runtime despite the type.
    if (typeof secret !== 'string' || Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new RangeError(`session token secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.#key = Buffer.from(secret, 'utf8');
  }

  encode(token: SessionToken): string {
    const payload = writePayload(token.entries());
    return `${payload.toString('base64url')}.${this.sign(payload).toString('base64url')}`;
  }

  decode(text: string): SessionToken {
    const payload = this.verifiedPayload(text);
    return SessionToken.of(readEntries(payload));
  }

  private verifiedPayload(text: string): Buffer {
    if (typeof text !== 'string') throw new InvalidSessionTokenError('malformed');
    if (text.length > MAX_TEXT_LENGTH) throw new InvalidSessionTokenError('too-long');
    const parts = text.split('.');
    if (parts.length !== 2) throw new InvalidSessionTokenError('malformed');
    const [payload, signature] = parts.map(decodeBase64Url);
    if (!this.hasValidSignature(payload, signature)) throw new InvalidSessionTokenError('bad-signature');
    return payload;
  }

  private hasValidSignature(payload: Buffer, signature: Buffer): boolean {
    const expected = this.sign(payload);
    // timingSafeEqual throws on unequal lengths, and a length mismatch reveals nothing secret.
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  private sign(payload: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest();
  }
}

function writePayload(entries: ReadonlyArray<SessionTokenEntry>): Buffer {
  const payload = Buffer.alloc(HEADER_BYTES + entries.length * ENTRY_BYTES);
  payload.writeUInt8(FORMAT_VERSION, 0);
  entries.forEach(([cartId, version], index) => {
    const offset = HEADER_BYTES + index * ENTRY_BYTES;
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
  const count = entryCount(payload);
  const entries: SessionTokenEntry[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < count; index++) {
    const offset = HEADER_BYTES + index * ENTRY_BYTES;
    const cartId = cartIdFromBytes(payload.subarray(offset, offset + CART_ID_BYTES));
    if (seen.has(cartId)) throw new InvalidSessionTokenError('duplicate-cart');
    seen.add(cartId);
    entries.push([cartId, payload.readUInt32BE(offset + CART_ID_BYTES)]);
  }
  return entries;
}

function entryCount(payload: Buffer): number {
  const entryBytes = payload.length - HEADER_BYTES;
  if (entryBytes < 0 || entryBytes % ENTRY_BYTES !== 0) throw new InvalidSessionTokenError('bad-length');
  if (payload.readUInt8(0) !== FORMAT_VERSION) throw new InvalidSessionTokenError('unsupported-format');
  const count = entryBytes / ENTRY_BYTES;
  if (count > MAX_SESSION_TOKEN_CARTS) throw new InvalidSessionTokenError('too-many-carts');
  return count;
}
