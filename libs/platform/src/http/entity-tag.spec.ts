import { entityTag } from './entity-tag';

describe('entityTag', () => {
  it('quotes the version', () => {
    expect(entityTag(0)).toBe('"0"');
    expect(entityTag(42)).toBe('"42"');
  });
});
