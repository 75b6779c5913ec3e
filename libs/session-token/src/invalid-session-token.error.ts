import { AppError, ErrorKind } from '@converge/platform';

export type InvalidSessionTokenReason =
  | 'too-long'
  | 'malformed'
  | 'bad-signature'
  | 'bad-length'
  | 'unsupported-format'
  | 'too-many-carts'
  | 'duplicate-cart'
  | 'unknown-key'
  | 'expired-key';

const DESCRIPTIONS: Readonly<Record<InvalidSessionTokenReason, string>> = {
  'too-long': 'it is longer than allowed',
  malformed: 'it is not two base64url parts separated by a dot',
  'bad-signature': 'its signature does not match',
  'bad-length': 'its payload has an impossible length',
  'unsupported-format': 'its format version is not supported',
  'too-many-carts': 'it names too many carts',
  'duplicate-cart': 'it names the same cart twice',
  'unknown-key': 'it names a signing key this service does not hold',
  'expired-key': 'its signing key was retired',
};

/** Messages are fixed per reason so nothing from the input or the secret can leak into a response. */
export class InvalidSessionTokenError extends AppError {
  readonly code = 'SESSION_TOKEN_INVALID';
  readonly kind: ErrorKind = 'invalid';
  readonly retriable = false;

  constructor(readonly reason: InvalidSessionTokenReason) {
    super(`Session token is invalid: ${DESCRIPTIONS[reason]}`);
  }
}
