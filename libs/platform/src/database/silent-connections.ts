import { Client, type ClientConfig } from 'pg';

/** What node-postgres rejects a query with when query_timeout passed without an answer. */
const QUERY_READ_TIMEOUT = /^Query read timeout$/;

/**
 * Liveness of every connection to PostgreSQL. A link that goes silent (a host cut off, a NAT or
 * firewall dropping the flow) closes nothing: neither side's kernel sees a dead peer, so TCP alone
 * would wait hours. The client gives up on a query after `queryTimeoutMs` (above the server's
 * statement_timeout, so the server reports a slow statement first), and the server ends a
 * transaction left idle past `idleInTransactionMs`, freeing its locks for the others.
 */
export const CONNECTION_LIVENESS = {
  statementTimeoutMs: 10_000,
  queryTimeoutMs: 12_000,
  idleInTransactionMs: 10_000,
  /** TCP keep-alive probes: a peer that vanished for real (host dead, cable cut) is noticed after this. */
  keepAliveInitialDelayMs: 10_000,
} as const;

/**
 * Ends a client's connection at once. pg's end() says goodbye and waits for the server to close,
 * which over a silent link never happens; the socket would stay open for good.
 */
export function dropConnection(client: Client): void {
  // The end it causes is reported as an error; whoever held the client may have let go of it
  // already (a pool removes its listener), and an error nobody hears would crash the process.
  client.on('error', () => undefined);
  const stream = client.connection?.stream;
  if (stream) stream.destroy();
  else void client.end().catch(() => undefined);
}

/**
 * pg's Client, but one that drops its connection when a query goes unanswered past query_timeout.
 * pg rejects that query yet keeps the connection, still waiting for the answer, so a pool would
 * hand it out again and every later query would wait behind it. Dropped, it ends with an error,
 * and the pool (or whoever holds it) replaces it.
 */
export class SilenceDroppingClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    const onFailure = (error: unknown) => {
      if (error instanceof Error && QUERY_READ_TIMEOUT.test(error.message)) dropConnection(this);
    };
    Object.assign(this, {
      query: (...args: unknown[]) => {
        const callback = args[args.length - 1];
        if (typeof callback === 'function') {
          args[args.length - 1] = (error: unknown, result: unknown) => {
            onFailure(error);
            return (callback as (error: unknown, result: unknown) => unknown)(error, result);
          };
          return query(...args);
        }
        const result = query(...args);
        if (result instanceof Promise) result.catch(onFailure);
        return result;
      },
    });
  }
}
