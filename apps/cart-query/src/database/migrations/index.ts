import { CreateProcessedEvents1732200000300 } from '@converge/idempotent-consumer';
import { CreateParkedEvents1732200000200 } from '@converge/version-gate';
import { CreateCartViews1732200000000 } from './1732200000000-create-cart-views';
import { StampProcessedEventsAtCommit1732200000400 } from './1732200000400-stamp-processed-events-at-commit';
import { AddCartViewOwner1732200000500 } from './1732200000500-add-cart-view-owner';
import { AddCartViewDigests1732200000600 } from './1732200000600-add-cart-view-digests';
import { CreateDeadLetters1732200000700 } from './1732200000700-create-dead-letters';
import { CreatePartitionWatermarks1732200000800 } from './1732200000800-create-partition-watermarks';

/** In order. Listed, not globbed, so the bundled service carries them. */
export const cartQueryMigrations = [
  CreateCartViews1732200000000,
  CreateParkedEvents1732200000200,
  CreateProcessedEvents1732200000300,
  StampProcessedEventsAtCommit1732200000400,
  AddCartViewOwner1732200000500,
  AddCartViewDigests1732200000600,
  CreateDeadLetters1732200000700,
  CreatePartitionWatermarks1732200000800,
];
