import { InvalidIfMatchError, parseIfMatch } from './entity-tag';

describe('parseIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['"0"', 0],
    [' "12" ', 12],
    ['"4294967295"', 4294967295],
  ])('reads %p as version %p', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it('is no condition when the header is absent or "*"', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it.each(['', '""', '"a"', 'W/"3"', '"3", "4"', '"-1"', '"03"', '"1.5"', '"3', '3"', '"12345678901"', '"３"'])(
    'refuses %p',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(InvalidIfMatchError);
    },
  );

  it('refuses a repeated header', () => {
    expect(() => parseIfMatch(['"1"', '"2"'])).toThrow(
      expect.objectContaining({ code: 'INVALID_IF_MATCH', kind: 'invalid' }),
    );
  });
});
