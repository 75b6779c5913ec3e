import { type Admin, Kafka, logLevel } from 'kafkajs';
import { eventually } from '../../test/support/eventually';
import { type StackOptions, TestStack } from '../../test/support/stack';
import { testKafkaBrokers } from '../../test/support/test-env';
import { DebeziumOutboxRouter } from './debezium';
import { type Mode, modeSpec } from './modes';
import { type Backlog, count } from './propagation';

/**
 * A bench step's system: a TestStack in the mode's configuration and, in a Debezium mode, a
 * connector publishing its outbox, streaming before the first write.
 */
export class BenchStack {
  private constructor(
    readonly mode: Mode,
    readonly stack: TestStack,
    private readonly admin: Admin,
    private readonly router?: DebeziumOutboxRouter,
  ) {}

  static async start(mode: Mode, options: StackOptions = {}): Promise<BenchStack> {
    const spec = modeSpec(mode);
    const stack = await TestStack.start({ ...options, env: { ...spec.env, LOG_LEVEL: 'warn', ...options.env } });
    const admin = new Kafka({
      clientId: 'bench-backlog',
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await admin.connect();
      const router = spec.debezium ? await DebeziumOutboxRouter.attach(stack, spec.debezium) : undefined;
      return new BenchStack(mode, stack, admin, router);
    } catch (error) {
      await admin.disconnect();
      await stack.stop();
      throw error;
    }
  }

  get debezium(): DebeziumOutboxRouter | undefined {
    return this.router;
  }

  /**
   * Rows not yet published, and events published but not yet applied. Cart's relay marks what it
   * published; Debezium marks nothing, so there the topic's records say what went out.
   */
  async backlog(): Promise<Backlog> {
    const { cartDb, queryDb } = this.stack;
    const [rows, published, applied] = await Promise.all([
      count(cartDb.url, 'SELECT count(*) AS n FROM outbox'),
      this.router
        ? this.topicRecords()
        : count(cartDb.url, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NOT NULL'),
      count(queryDb.url, 'SELECT count(*) AS n FROM processed_events'),
    ]);
    return { outbox: Math.max(0, rows - published), consumer: Math.max(0, published - applied) };
  }

  async drained(): Promise<void> {
    await eventually(
      async () => {
        const now = await this.backlog();
        if (now.outbox > 0 || now.consumer > 0) throw new Error(`backlog ${JSON.stringify(now)}`);
      },
      300_000,
      200,
    );
  }

  async stop(): Promise<void> {
    try {
      await this.router?.detach();
    } finally {
      await this.admin.disconnect();
      await this.stack.stop();
    }
  }

  /** Debezium mode only: the topic holds nothing but the outbox's rows (no watermarks). */
  private async topicRecords(): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(this.stack.topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  }
}
