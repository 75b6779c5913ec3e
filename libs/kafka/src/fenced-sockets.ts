import { connect, Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** The same keep-alive kafkajs's own factory sets: a broker that vanished is noticed in minutes, not hours. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/** A publish refused, or abandoned mid-flight, because its publisher was fenced. */
export class PublisherFencedError extends Error {
  readonly code = 'PUBLISHER_FENCED';
  /** Never: this publisher is done; its holder's successor publishes with a producer of its own. */
  readonly retriable = false;

  constructor() {
    super('this publisher was fenced: its term is over, it sends nothing more');
    this.name = 'PublisherFencedError';
  }
}

/**
 * The connections of one Kafka client, which can be cut for good. Disconnecting a kafkajs producer
 * does not stop a send it is retrying: the retry sees the cluster disconnected and connects again.
 * Fenced, every socket is reset (unsent bytes discarded, not flushed) and every new one fails at
 * once, so those retries fail locally and nothing more leaves this process for a broker.
 */
export class FencedSockets {
  private readonly open = new Set<Socket>();
  private fencedAt?: number;

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    if (this.fenced) return refusedSocket();
    const socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  get fenced(): boolean {
    return this.fencedAt !== undefined;
  }

  fence(): void {
    this.fencedAt ??= Date.now();
    for (const socket of this.open) socket.resetAndDestroy();
    this.open.clear();
  }
}

/** A socket that fails as it is asked to connect, as kafkajs expects of an unreachable broker. */
function refusedSocket(): Socket {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(new PublisherFencedError()));
  return socket;
}
