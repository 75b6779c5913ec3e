import { InvalidIdError, ParseUuidPipe } from './uuid.pipe';

describe('ParseUuidPipe', () => {
  const pipe = new ParseUuidPipe('cartId', 'INVALID_CART_ID');

  it('passes a UUID through, lower-cased so one cart has one Kafka key', () => {
    expect(pipe.transform('3F2B8A4E-1C2D-4E5F-8A9B-0C1D2E3F4A5B')).toBe('3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
  });

  it.each([
    'not-a-uuid',
    '',
    '3f2b8a4e1c2d4e5f8a9b0c1d2e3f4a5b',
    '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5',
    '{3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b}',
    undefined,
  ])('refuses %p with the code it was given', (value) => {
    expect(() => pipe.transform(value)).toThrow(InvalidIdError);
    expect(() => pipe.transform(value)).toThrow(expect.objectContaining({ code: 'INVALID_CART_ID' }));
  });
});
