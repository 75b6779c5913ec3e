import { Injectable } from '@nestjs/common';
import { AppError } from '@converge/platform';
import type { CartBody } from '../carts/studio-carts';
import { StudioCarts } from '../carts/studio-carts';
import { StudioSessions } from '../carts/studio-sessions';
import { ServiceOperations } from '../operate-services/service-operations';
import { ServiceEndpoints } from '../services/service-endpoints';
import { type WindowCurve, WindowExperiment, type WindowProbe, type WindowRound } from './window-experiment';

export interface DelaySetting {
  minMs: number;
  maxMs: number;
}

export interface WindowMeasurement {
  setting: DelaySetting;
  curve: WindowCurve;
}

export class ExperimentRunningError extends AppError {
  readonly code = 'EXPERIMENT_RUNNING';
  readonly kind = 'conflict' as const;
  readonly retriable = true;
}

export class ExperimentFailedError extends AppError {
  readonly code = 'EXPERIMENT_FAILED';
  readonly kind = 'unavailable' as const;
  readonly retriable = true;
}

/**
 * Runs the window experiment under each delay setting, alternating round by round, on a cart of
 * its own, on every Cart-Query instance at once; puts back the delay each instance had. One run at
 * a time: two would measure each other.
 */
@Injectable()
export class MeasureWindow {
  private running = false;

  constructor(
    private readonly carts: StudioCarts,
    private readonly sessions: StudioSessions,
    private readonly endpoints: ServiceEndpoints,
    private readonly operations: ServiceOperations,
  ) {}

  async run(settings: DelaySetting[], rounds: number): Promise<WindowMeasurement[]> {
    if (this.running) throw new ExperimentRunningError('a window experiment is running: wait for its answer');
    this.running = true;
    const before = await this.operations.state();
    try {
      const experiment = new WindowExperiment(await this.probeOnNewCart());
      const measured = settings.map(() => [] as WindowRound[]);
      // Round by round through the settings, not one setting after another: a machine that slows
      // down half-way through then weighs on every setting alike, not on the last one alone.
      for (let round = 0; round < rounds; round++) {
        for (const [i, setting] of settings.entries()) {
          await this.apply(setting);
          measured[i].push(await experiment.round());
        }
      }
      return settings.map((setting, i) => ({ setting, curve: experiment.curve(measured[i]) }));
    } finally {
      const previous = before.find((instance) => instance.replicationDelay)?.replicationDelay ?? { minMs: 0, maxMs: 0 };
      await this.operations.setReplicationDelay(previous.minMs, previous.maxMs).catch(() => undefined);
      this.running = false;
    }
  }

  private async apply(setting: DelaySetting): Promise<void> {
    const answers = await this.operations.setReplicationDelay(setting.minMs, setting.maxMs);
    const refused = answers.find((answer) => answer.status !== 200);
    if (refused)
      throw new ExperimentFailedError(`${refused.instance} refused the delay: ${refused.code ?? refused.status}`);
  }

  private async probeOnNewCart(): Promise<WindowProbe> {
    const created = await this.carts.create();
    if (created.status !== 201) throw new ExperimentFailedError(`Cart refused a new cart: ${created.status}`);
    const cartId = (created.body as CartBody).id;
    const reader = this.endpoints.queryUrls[0];
    return {
      write: async () => {
        const answer = await this.carts.change(cartId, { kind: 'add', sku: 'window', quantity: 1 });
        if (answer.status !== 200) throw new ExperimentFailedError(`Cart refused a write: ${answer.status}`);
        return (answer.body as CartBody).version;
      },
      readWithoutToken: async () => {
        const answer = await this.endpoints.call<CartBody>(`${reader}/carts/${cartId}`);
        return answer.status === 200 ? answer.body.version : undefined;
      },
      readWithToken: async () => {
        const answer = await this.endpoints.call<CartBody>(`${reader}/carts/${cartId}`, {
          sessionToken: this.sessions.of(cartId)?.token,
        });
        return answer.status === 200 ? answer.tookMs : undefined;
      },
    };
  }
}
