import type { PartitionLag } from './consumer-lag';
import type { WatermarkRecord } from './watermark-record';

export type { PartitionLag } from './consumer-lag';

/**
 * The port the services talk to. Everything Kafka-client specific lives behind it, so the
 * client can be swapped and each implementation checked by the same contract tests.
 */
export interface OutboundMessage {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface InboundMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The record's timestamp in ms since the epoch: when the producer sent it (CreateTime topics). */
  timestamp?: number;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  /** False once the partition was revoked or the subscription is stopping: stop working on it. */
  isActive(): boolean;
}

/**
 * Resolves when every message of the batch has taken effect; only then is the offset committed.
 * A rejection means "not done": the batch is retried with backoff and never skipped.
 */
export type BatchHandler = (batch: InboundBatch, control: BatchControl) => Promise<void>;

export interface SubscriptionOptions {
  groupId: string;
  topic: string;
  fromBeginning?: boolean;
  /** Largest slice of a fetched batch handed over at once; its offset is committed after it. */
  maxBatchSize?: number;
  handleBatch: BatchHandler;
}

export interface Subscription {
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
}

/**
 * A producer of its own, for one holder of a role that may be taken away (the relay's leader, for
 * one term). fence() makes it unusable at once: whatever it still has in flight or retrying never
 * reaches a broker afterwards, and every later publish is refused.
 */
export interface EventPublisher {
  publish(topic: string, messages: OutboundMessage[]): Promise<void>;
  publishToEveryPartition(topic: string, record: WatermarkRecord): Promise<void>;
  fence(): Promise<void>;
}

export interface EventBroker {
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** A publisher with a producer and connections of its own, independent of this broker's. */
  openPublisher(): EventPublisher;
  /** Resolves once every message is acknowledged by all in-sync replicas, in the order given. */
  publish(topic: string, messages: OutboundMessage[]): Promise<void>;
  /** One copy on each partition, acknowledged like publish, behind what publish acknowledged before. */
  publishToEveryPartition(topic: string, record: WatermarkRecord): Promise<void>;
  /** The partition publish puts a key on; the topic's partition count is asked once. */
  partitionOf(topic: string, key: string): Promise<number>;
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  /** Stops fetching for every subscription, staying in the groups; nothing is skipped or lost. */
  pauseConsumption(): void;
  resumeConsumption(): void;
  readonly consumptionPaused: boolean;
  /** Rejects unless a broker answers within the timeout. */
  ping(timeoutMs: number): Promise<void>;
  /**
   * A group that has committed nothing on the topic starts at its end as of this call: what is
   * written after it resolves is consumed, nothing before. A group with offsets keeps them.
   * Call before subscribing: offsets of a group with members cannot be set.
   */
  startGroupAtEnd(groupId: string, topic: string): Promise<void>;
  /** Per partition of the topic, how many messages the group has still to consume; for metrics. */
  consumerLag(groupId: string, topic: string): Promise<PartitionLag[]>;
  disconnect(): Promise<void>;
}

/** Nest injection token for the service's EventBroker. */
export const EVENT_BROKER = Symbol('EVENT_BROKER');
