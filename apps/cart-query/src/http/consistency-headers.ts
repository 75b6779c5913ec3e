import type { FastifyReply } from 'fastify';

export const CONSISTENT_AS_OF_HEADER = 'X-Consistent-As-Of';
export const STALENESS_HEADER = 'X-Staleness-Ms';

/**
 * How fresh an answer is: every write committed before the instant is in it, so it is at most
 * the staleness behind. Left out while the cart's partition has no watermark yet: no claim
 * rather than a made-up one.
 */
export function setConsistencyHeaders(reply: FastifyReply, consistentAsOfMs: number | undefined): void {
  if (consistentAsOfMs === undefined) return;
  void reply
    .header(CONSISTENT_AS_OF_HEADER, new Date(consistentAsOfMs).toISOString())
    .header(STALENESS_HEADER, String(Math.max(0, Date.now() - consistentAsOfMs)));
}
