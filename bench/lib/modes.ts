/** The two configurations measured side by side in one run. */
export const MODES = {
  /** What most tutorials and several libraries ship: poll the outbox every 500 ms, apply one event per transaction. */
  baseline: { OUTBOX_RELAY_MODE: 'poll', OUTBOX_POLL_INTERVAL_MS: '500', CONSUMER_MAX_BATCH: '1' },
  /** converge as configured by default. */
  converge: {},
} as const;

export type Mode = keyof typeof MODES;
