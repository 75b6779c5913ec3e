import { applyDecorators, UseGuards, UseInterceptors } from '@nestjs/common';
import { IdempotentReplayInterceptor } from '../idempotency/idempotent-replay.interceptor';
import { OwnerWriteRateGuard } from '../limits/owner-write-rate.guard';

/**
 * What every write route does before its handler: count the owner's write against its rate, then
 * answer a retry (a key already used) from the recorded answer. Documented by ApiCartWrite.
 */
export const CartWrite = (): MethodDecorator =>
  applyDecorators(UseGuards(OwnerWriteRateGuard), UseInterceptors(IdempotentReplayInterceptor));
