import { Cart } from '../../domain/cart';
import { LineQuantityLimitError, VersionMismatchError } from '../../domain/cart.errors';
import type { CartChangeTarget, CartMutation, CartWrites } from '../../infrastructure/cart.repository';
import { AddItemHandler } from './add-item.handler';

const CART_ID = '3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** Runs the mutation on one in-memory cart, as the repository does inside its transaction. */
function carts(cart: Cart): CartWrites & { targets: CartChangeTarget[] } {
  const targets: CartChangeTarget[] = [];
  return {
    targets,
    add: () => Promise.reject(new Error('not used')),
    change: async (target: CartChangeTarget, mutate: CartMutation) => {
      targets.push(target);
      mutate(cart);
      return cart;
    },
  };
}

describe('AddItemHandler', () => {
  const restore = () =>
    Cart.restore({
      id: CART_ID,
      owner: 'alice',
      version: 2,
      updatedAt: new Date(0),
      lines: [{ sku: 'A', quantity: 999 }],
    });

  it('adds the item to the cart it locked and passes the trace context on', async () => {
    const store = carts(restore());
    const cart = await new AddItemHandler(store).execute({
      cartId: CART_ID,
      owner: 'alice',
      sku: 'B',
      quantity: 2,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(cart.version).toBe(3);
    expect(cart.quantityOf('B')).toBe(2);
    expect(store.targets[0]).toMatchObject({ cartId: CART_ID, traceparent: expect.stringMatching(/^00-0af7/) });
  });

  it('checks If-Match before the rule, on the locked cart', async () => {
    const handler = new AddItemHandler(carts(restore()));
    await expect(
      handler.execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 5, expectedVersion: 1 }),
    ).rejects.toThrow(VersionMismatchError);
    await expect(
      handler.execute({ cartId: CART_ID, owner: 'alice', sku: 'A', quantity: 5, expectedVersion: 2 }),
    ).rejects.toThrow(LineQuantityLimitError);
  });
});
