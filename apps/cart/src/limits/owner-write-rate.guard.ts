import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from '@converge/access-token';
import { OwnerWriteRate } from './owner-write-rate';

/** Refuses an owner's write past OWNER_WRITES_PER_SECOND on this instance: 429 with Retry-After. */
@Injectable()
export class OwnerWriteRateGuard implements CanActivate {
  /** One rate for the process, whichever write route the guard sits on. */
  constructor(@Inject(OwnerWriteRate) private readonly rate: OwnerWriteRate) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (principal !== undefined) this.rate.take(principal.owner);
    return true;
  }
}
