import { Injectable, PipeTransform } from '@nestjs/common';
import { type SessionToken, SessionTokenCodec, sessionTokenFromHeader } from '@converge/session-token';

/**
 * The client's read-your-writes token, checked before the write runs so an invalid token
 * rejects the request with nothing written. No header is an empty token; an empty header is
 * a token that fails to decode.
 */
@Injectable()
export class ParseSessionTokenPipe implements PipeTransform<string | string[] | undefined, SessionToken> {
  constructor(private readonly codec: SessionTokenCodec) {}

  transform(header: string | string[] | undefined): SessionToken {
    return sessionTokenFromHeader(this.codec, header);
  }
}
