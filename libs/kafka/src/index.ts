export * from './event-broker';
export * from './kafkajs-event-broker';
export * from './backoff';
