import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './access-token.guard';
import type { Principal } from './principal';

/** The verified caller of a guarded route. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only reachable if a route is both @PublicRoute() and asks for its caller: a programming error.
  if (principal === undefined) throw new Error('@Caller() on a route the AccessTokenGuard did not check');
  return principal;
});
