import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { ReadinessCheck } from '@converge/platform';

/** Longer would hold a batch past the consumer's heartbeat and rebalance the group. */
export const MAX_REPLICATION_DELAY_MS = 5000;

export interface ReplicationDelaySetting {
  minMs: number;
  maxMs: number;
}

const OFF: ReplicationDelaySetting = { minMs: 0, maxMs: 0 };

/**
 * An experiment, not a tuning knob: a random wait before each batch is applied, so a person can
 * watch the inconsistency window grow and measure it. Off unless an operator turns it on; each
 * instance holds its own setting, and a restart turns it off.
 */
@Injectable()
export class ReplicationDelay {
  private setting = OFF;
  private readonly gauge: Gauge<'bound'>;

  constructor(registry: Registry) {
    this.gauge = new Gauge({
      name: 'converge_replication_delay_seconds',
      help: 'Injected wait before each batch is applied (an experiment; 0 when off), by bound',
      labelNames: ['bound'],
      registers: [registry],
    });
    this.show();
  }

  get current(): ReplicationDelaySetting {
    return this.setting;
  }

  set(setting: ReplicationDelaySetting): ReplicationDelaySetting {
    this.setting = { ...setting };
    this.show();
    return this.current;
  }

  /** How long the next batch waits: uniform between the bounds. */
  nextMs(random: () => number = Math.random): number {
    const { minMs, maxMs } = this.setting;
    return maxMs === 0 ? 0 : Math.round(minMs + random() * (maxMs - minMs));
  }

  readonly readiness: ReadinessCheck = {
    name: 'replicationDelay',
    probe: async () => (this.setting.maxMs === 0 ? { injected: false } : { injected: true, ...this.setting }),
  };

  private show(): void {
    this.gauge.set({ bound: 'min' }, this.setting.minMs / 1000);
    this.gauge.set({ bound: 'max' }, this.setting.maxMs / 1000);
  }
}
