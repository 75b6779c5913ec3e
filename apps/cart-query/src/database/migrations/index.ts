import { CreateCartViews1732200000000 } from './1732200000000-create-cart-views';

/** In order. Listed, not globbed, so the bundled service carries them. */
export const cartQueryMigrations = [CreateCartViews1732200000000];
