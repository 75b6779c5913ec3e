import { Injectable } from '@nestjs/common';
import type { CartBody } from '../carts/studio-carts';
import { StudioSessions } from '../carts/studio-sessions';
import { ServiceEndpoints, type ServiceAnswer } from '../services/service-endpoints';

/** One read as a pane shows it: what answered, which version, and how long it took. */
export interface PaneRead {
  status: number;
  code?: string;
  version?: number;
  items?: CartBody['items'];
  updatedAt?: string;
  tookMs: number;
  at: string;
  instance: string;
  /** For a read with the session token: the version the token asked for. */
  required?: number;
}

/**
 * The reads the page compares: Cart-Query without a token (eventual) and with the studio's
 * session token (read-your-writes), and the write model beside the read model.
 */
@Injectable()
export class ReadCart {
  constructor(
    private readonly endpoints: ServiceEndpoints,
    private readonly sessions: StudioSessions,
  ) {}

  async fromReadModel(cartId: string, withToken: boolean, instance = 0): Promise<PaneRead> {
    const urls = this.endpoints.queryUrls;
    const url = urls[Math.min(Math.max(instance, 0), urls.length - 1)];
    const held = withToken ? this.sessions.of(cartId) : undefined;
    const answer = await this.endpoints.call<CartBody & { code?: string }>(`${url}/carts/${cartId}`, {
      sessionToken: held?.token,
    });
    return { ...pane(answer, url), required: held?.version };
  }

  async fromWriteModel(cartId: string): Promise<PaneRead> {
    const url = this.endpoints.cartUrl;
    return pane(await this.endpoints.call<CartBody & { code?: string }>(`${url}/carts/${cartId}`), url);
  }
}

function pane(answer: ServiceAnswer<CartBody & { code?: string }>, instance: string): PaneRead {
  const ok = answer.status === 200;
  return {
    status: answer.status,
    code: ok ? undefined : answer.body?.code,
    version: ok ? answer.body.version : undefined,
    items: ok ? answer.body.items : undefined,
    updatedAt: ok ? answer.body.updatedAt : undefined,
    tookMs: answer.tookMs,
    at: new Date(answer.at).toISOString(),
    instance,
  };
}
