import { Logger } from '@nestjs/common';
import {
  Admin,
  Consumer,
  EachBatchPayload,
  ISocketFactory,
  ITopicMetadata,
  Kafka,
  KafkaMessage,
  logLevel,
  LogEntry,
  Message,
  PartitionMetadata,
  Producer,
  RecordMetadata,
} from 'kafkajs';
import { backoffDelayMs, delay } from '@converge/backoff';
import type { KafkaClientSecurity } from '@converge/platform';
import { BatchLease, GroupMembership, REVOKED, revokesPartitions } from './batch-lease';
import { byteBoundedSends } from './byte-bounded-sends';
import { refusedCredentials } from './refused-credentials';
import { consumerLag, type PartitionLag } from './consumer-lag';
import { FencedSockets, PublisherFencedError } from './fenced-sockets';
import { groupByPartition, partitionOfKey, unacknowledged } from './partition-acks';
import type { WatermarkRecord } from './watermark-record';
import {
  BatchControl,
  BatchHandler,
  EventBroker,
  EventPublisher,
  InboundBatch,
  InboundMessage,
  OutboundMessage,
  Subscription,
  SubscriptionOptions,
  TopicSpec,
} from './event-broker';

export interface KafkajsBrokerOptions extends KafkaClientSecurity {
  clientId: string;
  brokers: string[];
  /** Nest log level of the service; kafkajs chatter is kept one step quieter. */
  logLevel?: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** Opens every connection to the brokers; kafkajs's own when unset. */
  socketFactory?: ISocketFactory;
}

const KAFKAJS_LEVEL = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  log: logLevel.WARN,
  debug: logLevel.INFO,
  verbose: logLevel.DEBUG,
} as const;

/** Also how often a batch being handled heartbeats: well within the session timeout. */
const HEARTBEAT_INTERVAL_MS = 1000;
/** How long the coordinator waits for every member to rejoin once a rebalance began. */
const REBALANCE_TIMEOUT_MS = 10_000;
/** How long a batch running as a rebalance began may go on to be committed: well within the timeout. */
const REBALANCE_DRAIN_MS = 3000;

/** A send that leaves partitions unacknowledged is followed by one for them; this many in all, then the caller retries. */
const MAX_SENDS_PER_PUBLISH = 3;

/** What goes to one partition: an event (keyed) or a record for every partition (unkeyed, no value). */
type PartitionMessage = OutboundMessage | (WatermarkRecord & { key: null; value: null });

/** The messages with the partition each was grouped under, so kafkajs sends each exactly there. */
function toPartitioned(groups: Map<number, PartitionMessage[]>): Message[] {
  return [...groups].flatMap(([partition, group]) => group.map((message) => ({ ...message, partition })));
}

/** How long a new topic's partitions may take to get leaders that every broker knows of. */
const TOPIC_LEADERS_TIMEOUT_MS = 10_000;

function everyPartitionLed({ partitions }: { partitions: Array<{ leader: number }> }): boolean {
  return partitions.length > 0 && partitions.every((partition) => partition.leader >= 0);
}

function toInbound(message: KafkaMessage, partition: number): InboundMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return {
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers,
    timestamp: Number(message.timestamp),
  };
}

/** Nest's RPC layer hands a failed handler's error on as a plain `{ status, message }` object. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return JSON.stringify(error);
}

/** The broker no longer accepts this idempotent producer's sequence numbers or id. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

function producerStateLost(error: unknown): boolean {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const { type } = cause as { type?: unknown };
    if (typeof type === 'string' && PRODUCER_STATE_ERRORS.has(type)) return true;
  }
  return false;
}

function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Caches one connection attempt; a failed attempt is forgotten so the next call tries again. */
class Lazy<T extends { connect(): Promise<void>; disconnect(): Promise<void> }> {
  private client?: T;
  private pending?: Promise<T>;
  constructor(private readonly create: () => T) {}

  get(): Promise<T> {
    if (!this.pending) {
      const client = (this.client = this.create());
      this.pending = client.connect().then(
        () => client,
        (error: unknown) => {
          this.pending = undefined;
          throw refusedCredentials(error) ?? error;
        },
      );
    }
    return this.pending;
  }

  /** Does not wait for a connection attempt still retrying against an absent broker. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.pending = undefined;
    await client?.disconnect();
  }
}

/** What a subscription's consumers (the first and any replacement) must honour. */
interface ConsumerState {
  stopping: boolean;
  paused: boolean;
}

export class KafkajsEventBroker implements EventBroker {
  private readonly logger = new Logger('Kafka');
  private readonly kafka: Kafka;
  private readonly producer: Lazy<Producer>;
  private readonly admin: Lazy<Admin>;
  private readonly subscriptions = new Set<Subscription>();
  private readonly topicPartitions = new Map<string, PartitionMetadata[]>();
  private paused = false;

  constructor(private readonly options: KafkajsBrokerOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      socketFactory: options.socketFactory,
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 8 },
      logLevel: KAFKAJS_LEVEL[options.logLevel ?? 'log'],
      logCreator: () => (entry) => this.log(entry),
      ssl: options.ssl && (options.ssl.ca ? { ca: [options.ssl.ca] } : true),
      sasl: options.sasl,
    });
    // Idempotent with one request in flight: the broker drops a retried duplicate and
    // cannot reorder a retried request behind a later one.
    this.producer = new Lazy(() =>
      this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
    );
    this.admin = new Lazy(() => this.kafka.admin());
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.admin.get();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return;
    // Not kafkajs's waitForLeaders: it asks one broker once for the new topics and gives up with
    // UNKNOWN_TOPIC_OR_PARTITION when that broker has not learned of them yet, as in a cluster of
    // several brokers it often has not.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor ?? -1,
      })),
    });
    await this.untilLed(
      admin,
      missing.map((spec) => spec.name),
    );
  }

  /**
   * Asks again until every partition of the topics has a leader, whichever broker answers: in a
   * cluster, a broker learns of a topic made a moment ago a moment after the controller.
   */
  private async untilLed(admin: Admin, topics: string[]): Promise<ITopicMetadata[]> {
    const deadline = Date.now() + TOPIC_LEADERS_TIMEOUT_MS;
    let unled = `no leaders for ${topics.join(', ')}`;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const { topics: described } = await admin.fetchTopicMetadata({ topics });
        if (described.length === topics.length && described.every(everyPartitionLed)) return described;
      } catch (error) {
        // Most likely a broker not caught up yet, or one down; the deadline bounds it.
        unled = describeError(error);
      }
      await delay(backoffDelayMs(attempt, 50, 1000));
    }
    throw new Error(`${topics.join(', ')} not led within ${TOPIC_LEADERS_TIMEOUT_MS} ms: ${unled}`);
  }

  /**
   * Resolves once every message is acknowledged by its partition's in-sync replicas. Partitions are
   * chosen here, so the result can be checked for each: kafkajs may resolve a send without having
   * written one of them (see unacknowledged), and those are sent again.
   */
  async publish(topic: string, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const groups = groupByPartition(topic, await this.partitionsOf(topic), messages);
    // One after the other: each partition's slices go out in order.
    for (const slice of byteBoundedSends(groups)) await this.publishAcknowledged(topic, slice);
  }

  async publishToEveryPartition(topic: string, record: WatermarkRecord): Promise<void> {
    const partitions = await this.partitionsOf(topic);
    const copy = { ...record, key: null, value: null };
    await this.publishAcknowledged(topic, new Map(partitions.map(({ partitionId }) => [partitionId, [copy]])));
  }

  /** A client of its own on connections it can cut: fence() leaves its in-flight sends nowhere to go. */
  openPublisher(): EventPublisher {
    const sockets = new FencedSockets();
    const own = new KafkajsEventBroker({ ...this.options, socketFactory: sockets.factory });
    const unlessFenced = <T>(send: () => Promise<T>): Promise<T> =>
      sockets.fenced ? Promise.reject(new PublisherFencedError()) : send();
    return {
      publish: (topic, messages) => unlessFenced(() => own.publish(topic, messages)),
      publishToEveryPartition: (topic, record) => unlessFenced(() => own.publishToEveryPartition(topic, record)),
      fence: async () => {
        sockets.fence();
        await own.disconnect().catch(() => undefined);
      },
    };
  }

  async partitionOf(topic: string, key: string): Promise<number> {
    return partitionOfKey(topic, await this.partitionsOf(topic), key);
  }

  /** Sends until every partition of the slice is acknowledged (tulios/kafkajs#1303). */
  private async publishAcknowledged(topic: string, slice: Map<number, PartitionMessage[]>): Promise<void> {
    let pending = slice;
    for (let send = 1; pending.size > 0; send++) {
      if (send > MAX_SENDS_PER_PUBLISH) {
        throw new Error(
          `${topic}: partitions ${[...pending.keys()].join(', ')} not acknowledged after ${send - 1} sends`,
        );
      }
      const acks = await this.send(topic, toPartitioned(pending));
      const missing = unacknowledged(topic, pending, acks);
      if (missing.size > 0) {
        this.logger.warn(
          `a send to ${topic} resolved without acknowledging partitions ${[...missing.keys()].join(', ')} ` +
            `(tulios/kafkajs#1303); sending their ${toPartitioned(missing).length} messages again`,
        );
      }
      pending = missing;
    }
  }

  private async send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    const producer = await this.producer.get();
    try {
      return await producer.send({ topic, acks: -1, messages });
    } catch (error) {
      if (producerStateLost(error)) {
        // A broker that restarted from a SIGKILL may have lost this producer's sequence state:
        // it then refuses every later send from it, and kafkajs never starts over. A new producer
        // gets a new id and fresh sequences; the caller's retry may publish some messages twice,
        // which consumers absorb.
        this.logger.warn(`producer state lost on the broker (${describeError(error)}); starting a new producer`);
        await this.producer.close().catch(() => undefined);
      }
      throw error;
    }
  }

  /**
   * The topic's partitions, asked once: their number is part of the topic's contract, since
   * adding partitions would move keys, and with them the order of each key's messages.
   */
  private async partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const known = this.topicPartitions.get(topic);
    if (known) return known;
    const [{ partitions }] = await this.untilLed(await this.admin.get(), [topic]);
    this.topicPartitions.set(topic, partitions);
    return partitions;
  }

  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no Kafka broker answered within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.admin.get().then((admin) => admin.describeCluster()), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const state: ConsumerState = { stopping: false, paused: this.paused };
    let consumer = await this.startConsumer(options, state);
    // kafkajs gives up on a consumer after an error it deems non-retriable, such as an offset
    // commit refused with UNKNOWN_MEMBER_ID after a broker restart: it disconnects and stays
    // down. A consumer that is down forever means a read model that never converges.
    const replaceWhenAbandoned = (current: Consumer) =>
      current.on(current.events.CRASH, ({ payload }) => {
        if (payload.restart || state.stopping) return;
        this.logger.error(
          `consumer of ${options.topic} (${options.groupId}) crashed and kafkajs will not restart it: ` +
            `${describeError(payload.error)}; starting a new one`,
        );
        void this.untilStarted(options, state).then((next) => {
          if (!next) return;
          consumer = next;
          replaceWhenAbandoned(next);
        });
      });
    replaceWhenAbandoned(consumer);
    const subscription: Subscription = {
      pause: () => {
        state.paused = true;
        consumer.pause([{ topic: options.topic }]);
      },
      resume: () => {
        state.paused = false;
        consumer.resume([{ topic: options.topic }]);
      },
      stop: async () => {
        state.stopping = true;
        this.subscriptions.delete(subscription);
        await consumer.disconnect();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * Stops fetching for every subscription, present and future; their consumers stay in their
   * groups (heartbeating), so no rebalance happens and resuming continues where they left off.
   * A batch being handled finishes and is committed.
   */
  pauseConsumption(): void {
    this.paused = true;
    for (const subscription of this.subscriptions) subscription.pause();
  }

  resumeConsumption(): void {
    this.paused = false;
    for (const subscription of this.subscriptions) subscription.resume();
  }

  get consumptionPaused(): boolean {
    return this.paused;
  }

  private async startConsumer(options: SubscriptionOptions, state: ConsumerState): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      // Short enough that a crashed member's partitions move on within seconds.
      sessionTimeout: 10000,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
    });
    const membership = this.trackMembership(consumer, options);
    await consumer.connect().catch((error: unknown) => {
      throw refusedCredentials(error) ?? error;
    });
    await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.consumeBatch(payload, options, membership, () => state.stopping),
    });
    // kafkajs takes a pause only once run() made the group; a replacement of a paused consumer stays paused.
    if (state.paused) consumer.pause([{ topic: options.topic }]);
    return consumer;
  }

  /** Each join starts a generation; the warnings count the rebalances a member went through. */
  private trackMembership(consumer: Consumer, options: SubscriptionOptions): GroupMembership {
    const membership = new GroupMembership();
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = `partitions [${(payload.memberAssignment[options.topic] ?? []).join(', ')}]`;
      if (membership.current() === 0) this.logger.log(`joined ${options.groupId} for ${options.topic}: ${partitions}`);
      else this.logger.warn(`rejoined ${options.groupId} for ${options.topic} after a rebalance: ${partitions}`);
      membership.joined();
    });
    return membership;
  }

  /** Starts a replacement consumer, retrying with backoff; undefined if stopped meanwhile. */
  private async untilStarted(options: SubscriptionOptions, state: ConsumerState): Promise<Consumer | undefined> {
    for (let attempt = 0; !state.stopping; attempt++) {
      await delay(backoffDelayMs(attempt, 500));
      if (state.stopping) return undefined;
      try {
        const consumer = await this.startConsumer(options, state);
        if (!state.stopping) return consumer;
        // Stopped while it was starting: it must not outlive its subscription.
        await consumer.disconnect();
        return undefined;
      } catch (error) {
        this.logger.warn(
          `starting a new consumer of ${options.topic} failed (attempt ${attempt + 1}): ${describeError(error)}`,
        );
      }
    }
    return undefined;
  }

  async disconnect(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await Promise.all([this.producer.close(), this.admin.close()]);
  }

  /** Nest calls this on shutdown (SIGTERM): leave the group cleanly so partitions move at once. */
  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }

  private async consumeBatch(
    payload: EachBatchPayload,
    options: SubscriptionOptions,
    membership: GroupMembership,
    isStopping: () => boolean,
  ): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary } = payload;
    const lease = new BatchLease({
      membership,
      heartbeat,
      isStale,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      drainMs: REBALANCE_DRAIN_MS,
    });
    const control: BatchControl = {
      heartbeat: () => lease.heartbeat(),
      isActive: () => lease.held && isRunning() && !isStopping(),
    };
    const stopHeartbeating = lease.keepAlive();
    try {
      for (const slice of slices(batch.messages, options.maxBatchSize ?? 500)) {
        const inbound: InboundBatch = {
          topic: batch.topic,
          partition: batch.partition,
          messages: slice.map((message) => toInbound(message, batch.partition)),
        };
        const handled = await this.untilHandled(options.handleBatch, inbound, control, lease);
        // Work that finished as a rebalance began is still this member's to commit, so the
        // partition's next owner (perhaps this member again) does not handle it a second time.
        const committed = handled && lease.committable;
        if (committed) {
          const last = slice[slice.length - 1].offset;
          resolveOffset(last);
          // Not consumer.commitOffsets: once disconnect() has begun, kafkajs drops that commit without
          // a word, so the slice handled during a SIGTERM would be handled again by the next owner.
          // The payload's commit goes to the coordinator whatever the runner's state, and disconnect()
          // waits for this batch before it leaves the group.
          await commitOffsetsIfNecessary({
            topics: [
              {
                topic: batch.topic,
                partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }],
              },
            ],
          });
        }
        if (!lease.held) return this.giveUp(inbound, lease, committed);
        if (!handled) return;
        await lease.heartbeat();
      }
    } finally {
      stopHeartbeating();
    }
  }

  /**
   * Stops at a lost lease. A batch that finished too late to be committed did work the new owner
   * does again (the version gate absorbs it); its offset is the new owner's to commit, never this
   * one's. A rebalance is rethrown, so kafkajs rejoins the group at once instead of fetching again
   * for a generation that is over.
   */
  private giveUp(batch: InboundBatch, lease: BatchLease, committed: boolean): void {
    const reason = lease.lostBecause;
    if (!committed) {
      this.logger.warn(
        `abandoning ${batch.topic}[${batch.partition}]@${batch.messages[0]?.offset} uncommitted: ` +
          `the partition is no longer ours (${describeError(reason)})`,
      );
    }
    if (revokesPartitions(reason)) throw reason;
  }

  /**
   * Retries a failing handler with backoff for as long as the partition is ours; true once it
   * succeeded. Stops waiting for a handler as soon as the partition is revoked.
   */
  private async untilHandled(
    handler: BatchHandler,
    batch: InboundBatch,
    control: BatchControl,
    lease: BatchLease,
  ): Promise<boolean> {
    for (let attempt = 0; control.isActive(); attempt++) {
      try {
        return (await lease.whileHeld(handler(batch, control))) !== REVOKED;
      } catch (error) {
        const wait = backoffDelayMs(attempt);
        this.logger.warn(
          `handling ${batch.topic}[${batch.partition}]@${batch.messages[0]?.offset} failed (attempt ${attempt + 1}), ` +
            `retrying in ${wait} ms: ${describeError(error)}`,
        );
        await lease.heartbeat().catch(() => undefined);
        await lease.sleep(wait);
      }
    }
    return false;
  }

  private log(entry: LogEntry): void {
    const { message, ...extra } = entry.log;
    const text = `${message} ${JSON.stringify(extra)}`;
    if (entry.level === logLevel.ERROR) this.logger.error(text);
    else if (entry.level === logLevel.WARN) this.logger.warn(text);
    else this.logger.debug(text);
  }

  /** Reads offsets only: it neither joins the group nor disturbs its members. */
  async startGroupAtEnd(groupId: string, topic: string): Promise<void> {
    const admin = await this.admin.get();
    const [watermarks, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const partitions = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    if (partitions.some((partition) => partition.offset !== '-1')) return;
    await admin.setOffsets({
      groupId,
      topic,
      partitions: watermarks.map(({ partition, high }) => ({ partition, offset: high })),
    });
  }

  async consumerLag(groupId: string, topic: string): Promise<PartitionLag[]> {
    const admin = await this.admin.get();
    const [watermarks, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    return consumerLag(watermarks, committed.find((entry) => entry.topic === topic)?.partitions ?? []);
  }
}
