import { z } from 'zod';
import { MAX_OWNER_LENGTH, OWNER_PATTERN } from '@converge/contracts';

/** Who calls: the `sub` of a verified access token, which owns the carts it creates. */
export interface Principal {
  readonly owner: string;
  /** From the token's space-delimited `scope` claim (RFC 8693): what beyond their own carts the caller may do. */
  readonly scopes: readonly string[];
}

/** Operating the services (pausing and resuming consumption), not reading anyone's carts. */
export const OPERATE_SCOPE = 'converge:operate';

export const ownerSchema = z.string().min(1).max(MAX_OWNER_LENGTH).regex(OWNER_PATTERN);
