import { Injectable, type PipeTransform } from '@nestjs/common';
import { RequestHeader } from '@converge/platform';
import type { SessionToken } from './session-token';
import { SessionTokenCodec } from './session-token.codec';
import { SESSION_TOKEN_HEADER, sessionTokenFromHeader } from './session-token.header';

/**
 * The client's read-your-writes token, checked before the handler runs so an invalid token
 * rejects the request with nothing done. No header is an empty token; an empty header is a
 * token that fails to decode.
 */
@Injectable()
export class ParseSessionTokenPipe implements PipeTransform<string | string[] | undefined, SessionToken> {
  constructor(private readonly codec: SessionTokenCodec) {}

  transform(header: string | string[] | undefined): SessionToken {
    return sessionTokenFromHeader(this.codec, header);
  }
}

/** The request's X-Session-Token, decoded and verified: the same edge on every service. */
export const RequestSession = (): ParameterDecorator => RequestHeader(SESSION_TOKEN_HEADER, ParseSessionTokenPipe);
