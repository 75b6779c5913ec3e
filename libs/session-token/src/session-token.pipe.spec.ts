import { InvalidSessionTokenError } from './invalid-session-token.error';
import { SessionToken } from './session-token';
import { SessionTokenCodec } from './session-token.codec';
import { ParseSessionTokenPipe } from './session-token.pipe';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

describe('ParseSessionTokenPipe', () => {
  const codec = new SessionTokenCodec('a-unit-test-secret-of-at-least-32-bytes');
  const pipe = new ParseSessionTokenPipe(codec);

  it('is an empty token without the header', () => {
    expect(pipe.transform(undefined).isEmpty).toBe(true);
  });

  it('decodes a valid token', () => {
    const text = codec.encode(SessionToken.of([[CART_ID, 4]]));
    expect(pipe.transform(text).minVersion(CART_ID)).toBe(4);
  });

  it.each([
    ['an empty header', ''],
    ['garbage', 'abc'],
    [
      'a token signed with another secret',
      new SessionTokenCodec('x'.repeat(32)).encode(SessionToken.of([[CART_ID, 1]])),
    ],
  ])('refuses %s with SESSION_TOKEN_INVALID', (_name, text) => {
    expect(() => pipe.transform(text)).toThrow(InvalidSessionTokenError);
  });

  it('refuses a repeated header', () => {
    expect(() => pipe.transform(['a', 'b'])).toThrow(InvalidSessionTokenError);
  });
});
