import { Injectable } from '@nestjs/common';
import { ServiceEndpoints } from '../services/service-endpoints';

export interface InstanceOperations {
  instance: string;
  status: number;
  paused?: boolean;
  replicationDelay?: { minMs: number; maxMs: number };
  code?: string;
}

/**
 * Cart-Query's operations, applied to every instance the studio knows: each instance pauses
 * and delays its own consumer, so an experiment holds only if all of them take the setting.
 */
@Injectable()
export class ServiceOperations {
  constructor(private readonly endpoints: ServiceEndpoints) {}

  state(): Promise<InstanceOperations[]> {
    return Promise.all(
      this.endpoints.queryUrls.map(async (url) => {
        const [consumption, delay] = await Promise.all([
          this.endpoints.call<{ paused: boolean; code?: string }>(`${url}/operations/consumption`),
          this.endpoints.call<{ minMs: number; maxMs: number; code?: string }>(`${url}/operations/replication-delay`),
        ]);
        const ok = consumption.status === 200 && delay.status === 200;
        return {
          instance: url,
          status: ok ? 200 : Math.max(consumption.status, delay.status),
          paused: consumption.body?.paused,
          replicationDelay: delay.status === 200 ? { minMs: delay.body.minMs, maxMs: delay.body.maxMs } : undefined,
          code: ok ? undefined : (consumption.body?.code ?? delay.body?.code),
        };
      }),
    );
  }

  setPaused(paused: boolean): Promise<InstanceOperations[]> {
    return this.everywhere('consumption', { paused }, (body: { paused: boolean }) => ({ paused: body.paused }));
  }

  setReplicationDelay(minMs: number, maxMs: number): Promise<InstanceOperations[]> {
    return this.everywhere('replication-delay', { minMs, maxMs }, (body: { minMs: number; maxMs: number }) => ({
      replicationDelay: { minMs: body.minMs, maxMs: body.maxMs },
    }));
  }

  private everywhere<T>(
    operation: string,
    body: unknown,
    read: (body: T) => Partial<InstanceOperations>,
  ): Promise<InstanceOperations[]> {
    return Promise.all(
      this.endpoints.queryUrls.map(async (url) => {
        const answer = await this.endpoints.call<T & { code?: string }>(`${url}/operations/${operation}`, {
          method: 'PUT',
          body,
        });
        return answer.status === 200
          ? { instance: url, status: 200, ...read(answer.body) }
          : { instance: url, status: answer.status, code: answer.body?.code };
      }),
    );
  }
}
