import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from '@converge/platform';
import { AccessTokenError, InsufficientScopeError } from './access-token.errors';
import { AccessTokenVerifier } from './access-token.verifier';
import { REQUIRED_SCOPE } from './require-scope.decorator';
import type { Principal } from './principal';

/** Where the guard leaves the verified caller for the handlers' @Caller(). */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * Every HTTP route requires a valid access token unless marked @PublicRoute(), and the scope
 * @RequireScope() names, if any. Runs before
 * pipes, so an unauthenticated caller learns nothing about its input or the carts.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const marked = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (marked) return true;
    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Node keeps only the first of repeated Authorization headers; two credentials are ambiguous, not a choice.
    if (authorizationHeaders(request.raw.rawHeaders) > 1) throw new AccessTokenError('malformed');
    request.principal = await this.verifier.authenticate(request.headers.authorization);
    if (required !== undefined && !request.principal.scopes.includes(required)) {
      throw new InsufficientScopeError(required);
    }
    return true;
  }
}

/** rawHeaders alternates names and values, as received. */
function authorizationHeaders(rawHeaders: string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'authorization') count++;
  return count;
}
