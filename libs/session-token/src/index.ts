export * from './session-token';
export * from './session-token.codec';
export * from './invalid-session-token.error';
export * from './session-token.header';
export * from './session-token.pipe';
