import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One client connection through the proxy and its twin to the server. */
export interface ProxiedLink {
  /** The client's first bytes (a PostgreSQL startup message names its application_name). */
  readonly startup: string;
  silent: boolean;
}

interface Link extends ProxiedLink {
  client: Socket;
  server: Socket;
  startup: string;
}

const STARTUP_BYTES = 1024;

/**
 * A TCP proxy owned by a test, between a service and PostgreSQL, that can go silent: it stops
 * forwarding in both directions and closes neither socket, as a link cut without a FIN or RST
 * (a host cut off, a firewall dropping the flow). Neither side's kernel sees a dead peer.
 */
export class SilentProxy {
  private readonly links = new Set<Link>();
  private newLinksSilent = false;
  private trap?: { pattern: string; matches: (link: ProxiedLink) => boolean; sprung: () => void };

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(targetUrl: string): Promise<SilentProxy> {
    const url = new URL(targetUrl);
    const target = { host: url.hostname, port: Number(url.port || 5432) };
    const server = createServer({ allowHalfOpen: true });
    const proxy = new SilentProxy(server, target);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The same database URL, through the proxy. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as AddressInfo).port);
    return url.toString();
  }

  /** Silences the links that match (all by default); returns how many. */
  silence(matches: (link: ProxiedLink) => boolean = () => true): number {
    let count = 0;
    for (const link of this.links) {
      if (link.silent || !matches(link)) continue;
      link.silent = true;
      count++;
    }
    return count;
  }

  /** While set, new connections are accepted and then never answered: the host is cut off. */
  silenceNewLinks(silent: boolean): void {
    this.newLinksSilent = silent;
  }

  /**
   * Resolves once a matching link forwarded a client message containing `pattern` and then went
   * silent: the statement reached the server, and its answer never comes back.
   */
  silenceAfter(pattern: string, matches: (link: ProxiedLink) => boolean = () => true): Promise<void> {
    return new Promise((resolve) => (this.trap = { pattern, matches, sprung: resolve }));
  }

  async close(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.server.destroy();
    }
    this.links.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const server = connect({ ...this.target, allowHalfOpen: true });
    const link: Link = { client, server, startup: '', silent: this.newLinksSilent };
    this.links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (link.startup.length < STARTUP_BYTES) link.startup += chunk.toString('latin1').slice(0, STARTUP_BYTES);
      if (link.silent) return;
      server.write(chunk);
      const trap = this.trap;
      if (trap && trap.matches(link) && chunk.toString('latin1').includes(trap.pattern)) {
        this.trap = undefined;
        link.silent = true;
        trap.sprung();
      }
    });
    server.on('data', (chunk: Buffer) => {
      if (!link.silent) client.write(chunk);
    });
    // A closed side is passed on only while the link works: a silent link carries no FIN either.
    client.on('end', () => !link.silent && server.end());
    server.on('end', () => !link.silent && client.end());
    const forget = () => {
      if (!link.silent) {
        client.destroy();
        server.destroy();
        this.links.delete(link);
      }
    };
    client.on('close', forget);
    server.on('close', forget);
    client.on('error', () => undefined);
    server.on('error', () => undefined);
  }
}
