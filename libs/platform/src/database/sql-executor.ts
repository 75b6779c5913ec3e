/** Anything that runs SQL inside the caller's transaction: a TypeORM EntityManager or a pg client. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
