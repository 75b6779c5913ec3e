export * from './version-gate';
export * from './parked-events';
export * from './parked-events.migration';
