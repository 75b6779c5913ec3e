import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '@converge/access-token';
import {
  fingerprintOf,
  IdempotencyKeyReusedError,
  IdempotencyKeyTakenError,
  parseIdempotencyKey,
} from './idempotency-key';
import { IdempotencyKeys, type StoredKey } from './idempotency-keys.repository';
import type { KeyedRequest, RequestKey } from './request-key';

/** Tells a client that this answer is the one recorded for its key, not a new write. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * The edge of idempotent writes. A request with a key the owner already used is answered with
 * the recorded answer (or 422 when it asks something else) and never reaches its handler; a new
 * key goes on to the handler, whose transaction records the answer. A concurrent request with
 * the same key waits on that record's row, finds the key taken, and is answered from it.
 */
@Injectable()
export class IdempotentReplayInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyKeys) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<KeyedRequest & AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return defer(async () => {
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      if (key === undefined || request.principal === undefined) return lastValueFrom(next.handle());
      const requestKey: RequestKey = {
        owner: request.principal.owner,
        key,
        fingerprint: fingerprintOf(request.method, request.url, request.body),
      };
      request.idempotencyKey = requestKey;
      return this.answer(requestKey, reply, () => lastValueFrom(next.handle()));
    });
  }

  private async answer(key: RequestKey, reply: FastifyReply, handle: () => Promise<unknown>): Promise<unknown> {
    const stored = await this.keys.find(key.owner, key.key);
    if (stored) return replay(stored, key, reply);
    try {
      return await handle();
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTakenError)) throw error;
      // The other request has committed: its row is there now, unless it already expired.
      const taken = await this.keys.find(key.owner, key.key);
      if (taken === undefined) throw error;
      return replay(taken, key, reply);
    }
  }
}

function replay(stored: StoredKey, key: RequestKey, reply: FastifyReply): unknown {
  if (stored.fingerprint !== key.fingerprint) throw new IdempotencyKeyReusedError();
  void reply.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) void reply.header(name, value);
  void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  return stored.body;
}
