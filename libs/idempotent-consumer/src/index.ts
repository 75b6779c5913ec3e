export * from './idempotent-consumer';
export * from './processed-events.migration';
