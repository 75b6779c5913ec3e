import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessTokenIssuer, OPERATE_SCOPE } from '@converge/access-token';
import { CartClient } from '../test/support/cart-client';
import { createTestDatabase } from '../test/support/test-database';
import { TestStack } from '../test/support/stack';
import { bearer, operatorBearer, uniqueName } from '../test/support/test-env';
import { type DemoContext, readSide } from './demo';

export interface DemoStack {
  context(say: (line: string) => void): DemoContext;
  stop(): Promise<void>;
}

/**
 * A stack of the demo's own: Cart and one Cart-Query, and for two read sides a second Cart-Query
 * with a database and consumer group of its own (another region's read model).
 */
export async function ownStack(readSides: 1 | 2, env: Record<string, string> = {}): Promise<DemoStack> {
  const stack = await TestStack.start({ env });
  const far = readSides === 2 ? await createTestDatabase('cart_query_far') : undefined;
  try {
    if (far) await stack.startQuery({ CART_QUERY_DATABASE_URL: far.url, CART_QUERY_GROUP_ID: uniqueName('far') });
  } catch (error) {
    await stack.stop();
    await far?.drop();
    throw error;
  }
  return {
    context: (say) => ({
      writer: new CartClient(stack.cart[0].url, bearer()),
      readSides: stack.query.map((query, i) =>
        readSide(i === 0 ? 'near region' : 'far region', query.url, bearer(), operatorBearer()),
      ),
      say,
    }),
    stop: async () => {
      await stack.stop();
      await far?.drop();
    },
  };
}

/** The stack `npm start` runs, on its usual ports, with the key it signs tokens with. */
export function runningStack(): DemoStack {
  const secrets = JSON.parse(readFileSync(join(__dirname, '..', 'infra', 'local-secrets.json'), 'utf8')) as {
    AUTH_JWT_SECRET: string;
  };
  const issuer = new AccessTokenIssuer(process.env.AUTH_JWT_SECRET ?? secrets.AUTH_JWT_SECRET);
  const user = `Bearer ${issuer.issue('demo')}`;
  const operator = `Bearer ${issuer.issue('demo-operator', 3600, [OPERATE_SCOPE])}`;
  const cartUrl = process.env.CART_URL ?? 'http://127.0.0.1:3000';
  const queryUrl = process.env.CART_QUERY_URL ?? 'http://127.0.0.1:3001';
  return {
    context: (say) => ({
      writer: new CartClient(cartUrl, user),
      readSides: [readSide('Cart-Query', queryUrl, user, operator)],
      say,
    }),
    stop: async () => undefined,
  };
}
