export * from './event-broker';
export * from './kafkajs-event-broker';
export * from './backoff';
export * from './broker-transport.strategy';
export * from './dead-letter';
