import { CreateOutbox1732200000100, CreateOutboxRelayEpochs1732200000800 } from '@converge/outbox';
import { CreateCarts1732200000000 } from './1732200000000-create-carts';
import { AddCartOwner1732200000500 } from './1732200000500-add-cart-owner';
import { AddCartDigests1732200000600 } from './1732200000600-add-cart-digests';
import { CreateIdempotencyKeys1732200000700 } from './1732200000700-create-idempotency-keys';

/** In order. Listed, not globbed, so the bundled service carries them. */
export const cartMigrations = [
  CreateCarts1732200000000,
  CreateOutbox1732200000100,
  AddCartOwner1732200000500,
  AddCartDigests1732200000600,
  CreateIdempotencyKeys1732200000700,
  CreateOutboxRelayEpochs1732200000800,
];
