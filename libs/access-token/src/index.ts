export * from './principal';
export * from './access-token.errors';
export * from './access-token.verifier';
export * from './access-token.issuer';
export * from './access-token.guard';
export * from './caller.decorator';
export * from './access-token.module';
export * from './require-scope.decorator';
