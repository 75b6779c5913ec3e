import { Injectable } from '@nestjs/common';
import { type DigestBranch, type DigestChild, HttpDigestSource } from '@converge/anti-entropy';
import { ServiceEndpoints } from '../services/service-endpoints';

/** One bucket two hex digits deep (256 of them): what each side's digest tree says of it. */
export interface BucketPair {
  prefix: string;
  write?: DigestChild;
  read?: DigestChild;
  differs: boolean;
}

export interface DigestComparison {
  buckets: BucketPair[];
  writeCarts: number;
  readCarts: number;
  at: string;
}

export interface ReconcileOutcome {
  status: number;
  carts?: number;
  divergent?: number;
  repaired?: number;
  code?: string;
  tookMs: number;
}

const HEX = '0123456789abcdef';

/**
 * The two sides' digest trees, read as the reconciler reads them (GET /operations/digests on Cart
 * and on Cart-Query), two levels down: 256 buckets, each equal, different or empty. A bucket
 * that differs may only be waiting for a write in flight; a pass of anti-entropy tells which.
 */
@Injectable()
export class CompareDigests {
  constructor(private readonly endpoints: ServiceEndpoints) {}

  async compare(): Promise<DigestComparison> {
    const authorization = () => this.endpoints.authorization();
    const write = new HttpDigestSource(this.endpoints.cartUrl, authorization);
    const read = new HttpDigestSource(this.endpoints.queryUrls[0], authorization);
    const [writeLevel, readLevel] = await Promise.all([secondLevel(write), secondLevel(read)]);
    const buckets = [...HEX].flatMap((a) =>
      [...HEX].map((b) => {
        const prefix = a + b;
        const w = writeLevel.children[prefix];
        const r = readLevel.children[prefix];
        return { prefix, write: w, read: r, differs: (w?.digest ?? '') !== (r?.digest ?? '') };
      }),
    );
    return { buckets, writeCarts: writeLevel.carts, readCarts: readLevel.carts, at: new Date().toISOString() };
  }

  /** One anti-entropy pass on the read model, run to completion by Cart-Query itself. */
  async reconcile(): Promise<ReconcileOutcome> {
    const answer = await this.endpoints.call<{ carts: number; divergent: number; repaired: number; code?: string }>(
      `${this.endpoints.queryUrls[0]}/operations/reconcile`,
      { method: 'POST' },
    );
    return answer.status === 200
      ? { status: 200, ...answer.body, tookMs: answer.tookMs }
      : { status: answer.status, code: answer.body?.code, tookMs: answer.tookMs };
  }
}

/** The root's non-empty children, each opened: every bucket two hex digits deep, in one branch. */
async function secondLevel(source: HttpDigestSource): Promise<DigestBranch> {
  const root = await source.branch('');
  const branches = await Promise.all(Object.keys(root.children).map((prefix) => source.branch(prefix)));
  return { prefix: '', carts: root.carts, children: Object.assign({}, ...branches.map((b) => b.children)) };
}
