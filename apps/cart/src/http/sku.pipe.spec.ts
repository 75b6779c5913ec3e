import { InvalidSkuError } from '../domain/cart.errors';
import { ParseSkuPipe } from './sku.pipe';

describe('ParseSkuPipe', () => {
  const pipe = new ParseSkuPipe();

  it.each(['A', 'sku-1.2_x', 'x'.repeat(64)])('passes %p', (sku) => {
    expect(pipe.transform(sku)).toBe(sku);
  });

  it.each(['', 'a b', 'x'.repeat(65), 'é'])('refuses %p with INVALID_SKU', (sku) => {
    expect(() => pipe.transform(sku)).toThrow(InvalidSkuError);
  });
});
