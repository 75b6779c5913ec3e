import type { DebeziumProfile } from './debezium';

export interface ModeSpec {
  /** Environment of the stack's services. */
  env: Record<string, string>;
  /** Who publishes Cart's outbox: its own relay, or Debezium tailing the WAL (Cart's relay off). */
  debezium?: DebeziumProfile;
}

/** The configurations measured side by side in one run. */
export const MODES = {
  /** What most tutorials and several libraries ship: poll the outbox every 500 ms, apply one event per transaction. */
  baseline: { env: { OUTBOX_RELAY_MODE: 'poll', OUTBOX_POLL_INTERVAL_MS: '500', CONSUMER_MAX_BATCH: '1' } },
  /** converge as configured by default. */
  converge: { env: {} },
  /** Debezium's PostgreSQL connector and outbox EventRouter, as it ships. */
  'debezium-default': { env: { OUTBOX_RELAY_MODE: 'off' }, debezium: 'default' },
  /** The same, tuned for latency (see debezium.ts). */
  'debezium-tuned': { env: { OUTBOX_RELAY_MODE: 'off' }, debezium: 'tuned' },
} satisfies Record<string, ModeSpec>;

export type Mode = keyof typeof MODES;

export const modeSpec = (mode: Mode): ModeSpec => MODES[mode];
export const ALL_MODES = Object.keys(MODES) as Mode[];
