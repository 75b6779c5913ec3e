export * from './outbox-message';
export * from './outbox.migration';
export * from './outbox-relay.options';
export * from './outbox-relay';
export * from './outbox-insert';
export * from './outbox-relay.readiness';
