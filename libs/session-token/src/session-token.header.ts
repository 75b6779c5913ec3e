import { InvalidSessionTokenError } from './invalid-session-token.error';
import { SessionToken } from './session-token';
import type { SessionTokenCodec } from './session-token.codec';

/** The HTTP header a session token travels in, both ways. */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';

/**
 * A request's session token: empty when the header is absent. A repeated header, or an empty
 * one, is a token that fails to decode: the request is rejected before anything happens.
 */
export function sessionTokenFromHeader(codec: SessionTokenCodec, value: string | string[] | undefined): SessionToken {
  if (value === undefined) return SessionToken.empty();
  if (typeof value !== 'string') throw new InvalidSessionTokenError('malformed');
  return codec.decode(value);
}
