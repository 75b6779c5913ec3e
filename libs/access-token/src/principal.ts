import { z } from 'zod';
import { MAX_OWNER_LENGTH, OWNER_PATTERN } from '@converge/contracts';

/** Who calls: the `sub` of a verified access token, which owns the carts it creates. */
export interface Principal {
  readonly owner: string;
}

export const ownerSchema = z.string().min(1).max(MAX_OWNER_LENGTH).regex(OWNER_PATTERN);
