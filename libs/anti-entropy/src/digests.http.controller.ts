import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OPERATE_SCOPE, RequireScope } from '@converge/access-token';
import { AppError } from '@converge/platform';
import type { DigestBranch, DigestLeaf, DigestSource } from './digest-tree';

/** The service's own DigestSource, provided by its module. */
export const DIGEST_SOURCE = Symbol('DIGEST_SOURCE');

/** Prefixes of 0 to 3 hex digits: a branch below 3, a leaf at 3. */
export const LEAF_PREFIX_LENGTH = 3;
const PREFIX = /^[0-9a-f]{0,3}$/;

export class InvalidDigestPrefixError extends AppError {
  readonly code = 'INVALID_DIGEST_PREFIX';
  readonly kind = 'invalid' as const;
  readonly retriable = false;

  constructor() {
    super('prefix must be 0 to 3 lower-case hex digits');
  }
}

/**
 * This service's digest tree, for another service's reconciler: it compares trees over HTTP and
 * never reads this service's database.
 */
@ApiTags('operations')
@Controller('operations/digests')
@RequireScope(OPERATE_SCOPE)
export class DigestsHttpController {
  constructor(@Inject(DIGEST_SOURCE) private readonly source: DigestSource) {}

  @Get()
  @ApiOperation({ summary: 'One node of the digest tree: children below 3 hex digits, carts at 3' })
  @ApiQuery({ name: 'prefix', required: false, schema: { type: 'string', pattern: PREFIX.source } })
  @ApiOkResponse({ description: '{prefix, carts, children} for a branch; {prefix, rows} for a leaf.' })
  @ApiForbiddenResponse({ description: `INSUFFICIENT_SCOPE: the access token lacks ${OPERATE_SCOPE}.` })
  node(@Query('prefix') prefix: unknown = ''): Promise<DigestBranch | DigestLeaf> {
    if (typeof prefix !== 'string' || !PREFIX.test(prefix)) throw new InvalidDigestPrefixError();
    return prefix.length === LEAF_PREFIX_LENGTH ? this.source.leaf(prefix) : this.source.branch(prefix);
  }
}
