import { InvalidSessionTokenError } from './invalid-session-token.error';
import { SessionToken } from './session-token';
import type { SessionTokenCodec } from './session-token.codec';

/** The HTTP header a session token travels in, both ways. */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';

/** A request's session token: empty when absent; a repeated or invalid header is rejected. */
export function sessionTokenFromHeader(codec: SessionTokenCodec, value: string | string[] | undefined): SessionToken {
  if (value === undefined || value === '') return SessionToken.empty();
  if (Array.isArray(value) || value.includes(',')) throw new InvalidSessionTokenError('malformed');
  return codec.decode(value);
}
