export * from './event-broker';
export * from './kafkajs-event-broker';
export * from './broker-transport.strategy';
export * from './dead-letter';
export * from './broker-readiness';
export * from './watermark-record';
export * from './fenced-sockets';
