export * from './digest-sql';
export * from './digest-table';
export * from './digest-tree';
export * from './digests.http.controller';
export * from './http-digest-source';
export * from './divergence';
