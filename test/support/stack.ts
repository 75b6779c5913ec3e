import { cartEventTopics } from '@converge/contracts';
import { KafkajsEventBroker } from '@converge/kafka';
import { freePort, ServiceProcess } from './service-process';
import { createTestDatabase, type TestDatabase } from './test-database';
import { testKafkaBrokers, testSecretsEnv, uniqueName } from './test-env';

export interface StackOptions {
  carts?: number;
  queries?: number;
  env?: Record<string, string>;
  /** Kafka bootstrap servers of the stack (topics included), when not the tests' shared broker. */
  brokers?: string;
  /** Per instance started, overrides of the stack's env (e.g. its database URL through a proxy). */
  cartEnv?: (index: number, stack: TestStack) => Record<string, string>;
  queryEnv?: (index: number, stack: TestStack) => Record<string, string>;
}

/**
 * The whole system for one test: its own databases, topic and consumer group, with any number
 * of Cart and Cart-Query instances running as real processes.
 */
export class TestStack {
  readonly cart: ServiceProcess[] = [];
  readonly query: ServiceProcess[] = [];
  readonly studio: ServiceProcess[] = [];

  private constructor(
    readonly cartDb: TestDatabase,
    readonly queryDb: TestDatabase,
    readonly topic: string,
    /** Cart-Query's consumer group. */
    readonly groupId: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const [cartDb, queryDb] = await Promise.all([createTestDatabase('cart'), createTestDatabase('cart_query')]);
    const topic = uniqueName('cart.events');
    const brokers = options.brokers ?? testKafkaBrokers();
    const broker = new KafkajsEventBroker({
      clientId: 'test-admin',
      brokers: brokers.split(','),
      logLevel: 'error',
    });
    try {
      await broker.ensureTopics(cartEventTopics(topic));
    } catch (error) {
      await Promise.all([cartDb.drop(), queryDb.drop()]);
      throw error;
    } finally {
      await broker.disconnect();
    }
    const groupId = options.env?.CART_QUERY_GROUP_ID ?? uniqueName('cart-query');
    // Cart-Query asks the first Cart for digests and snapshots: its port is chosen up front.
    const firstCartPort = await freePort();
    const stack = new TestStack(cartDb, queryDb, topic, groupId, {
      KAFKA_BROKERS: brokers,
      CONVERGE_ENV: 'development',
      ...testSecretsEnv(),
      CART_EVENTS_TOPIC: topic,
      CART_QUERY_GROUP_ID: groupId,
      CART_DATABASE_URL: cartDb.url,
      CART_QUERY_DATABASE_URL: queryDb.url,
      CART_URL: `http://127.0.0.1:${firstCartPort}`,
      ...options.env,
    });
    const started = await Promise.allSettled([
      ...Array.from({ length: options.carts ?? 1 }, (_, i) =>
        stack.startCart(i === 0 ? firstCartPort : undefined, options.cartEnv?.(i, stack)),
      ),
      ...Array.from({ length: options.queries ?? 1 }, (_, i) => stack.startQuery(options.queryEnv?.(i, stack))),
    ]);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      // Nothing of a stack that did not start is left behind: its services and databases go.
      await stack.stop();
      throw failed.reason;
    }
    return stack;
  }

  /** `env` overrides the stack's, as for startQuery: a Cart configured unlike the others. */
  async startCart(port?: number, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await ServiceProcess.start('cart', { ...this.env, ...env }, port);
    this.cart.push(service);
    return service;
  }

  /** `env` overrides the stack's: a Cart-Query on a database or in a group of its own. */
  async startQuery(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await ServiceProcess.start('cart-query', { ...this.env, ...env });
    this.query.push(service);
    return service;
  }

  /** The studio, watching this stack's first Cart and every Cart-Query running now, in a group of its own. */
  async startStudio(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await ServiceProcess.start('studio', {
      ...this.env,
      CART_URL: this.cart[0].url,
      CART_QUERY_URLS: this.query.map((query) => query.url).join(','),
      STUDIO_GROUP_ID: uniqueName('studio'),
      ...env,
    });
    this.studio.push(service);
    return service;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.studio, ...this.cart, ...this.query].map((service) => service.stop()));
    await Promise.all([this.cartDb.drop(), this.queryDb.drop()]);
  }
}
