import { Inject, Injectable, Logger } from '@nestjs/common';
import { delay } from '@converge/backoff';
import { DataSource, type EntityManager } from 'typeorm';
import { type CartEvent, decodeCartEvent, isAuthoritative } from '@converge/contracts';
import { type Handled, IdempotentConsumer } from '@converge/idempotent-consumer';
import {
  EVENT_BROKER,
  type EventBroker,
  type InboundBatch,
  type InboundMessage,
  readWatermark,
  toDeadLetter,
} from '@converge/kafka';
import { inSpan, type Span } from '@converge/tracing';
import { ParkedEvents, VersionGate } from '@converge/version-gate';
import { cartQueryConfig, type CartQueryConfig } from '../../cart-query.config';
import { CartViewRepository, lockCartsForApply } from '../../infrastructure/cart-view.repository';
import { DeadLetterStore } from '../../infrastructure/dead-letter.store';
import { PartitionWatermarks } from '../../infrastructure/partition-watermarks.repository';
import { type AppliedVersion, ReadModelSignals } from '../../infrastructure/read-model-signals';
import { ReplicationDelay } from '../../operations/set-replication-delay/replication-delay';
import { applyCartEvent, type CartView } from '../../read-model/cart-view';
import { batchSpanOptions, EventApplySpans } from './apply-cart-events.spans';
import { type BatchOutcome, ConsumerStats } from './consumer-stats';

/** A cart event as the version gate sees it: its cart is its aggregate. */
type GatedEvent = CartEvent & { aggregateId: string; authoritative: boolean };

interface Poison {
  message: InboundMessage;
  reason: string;
  detail: string;
}

interface Applied {
  outcome: BatchOutcome;
  versions: AppliedVersion[];
  events: GatedEvent[];
}

interface Decoded {
  events: GatedEvent[];
  poison: Poison[];
  /** The latest watermark of the batch (epoch ms): all of the batch before it is applied with it. */
  watermark?: number;
}

/**
 * Applies one batch of cart events to the read model in one transaction: skip what was seen,
 * apply only the next version of each cart, park what lies beyond a gap, record the settled
 * ids, and only then let the offset be committed. Poison goes to the dead-letter topic.
 */
@Injectable()
export class ApplyCartEventsHandler {
  private readonly logger = new Logger('ApplyCartEvents');
  private readonly consumer = new IdempotentConsumer();
  private readonly gate = new VersionGate();
  private readonly parking = new ParkedEvents<GatedEvent>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly views: CartViewRepository,
    private readonly signals: ReadModelSignals,
    private readonly stats: ConsumerStats,
    private readonly deadLetters: DeadLetterStore,
    private readonly watermarks: PartitionWatermarks,
    @Inject(EVENT_BROKER) private readonly broker: EventBroker,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
    private readonly replicationDelay: ReplicationDelay,
  ) {}

  handle(batch: InboundBatch): Promise<BatchOutcome> {
    return inSpan(`process ${batch.topic}`, batchSpanOptions(batch), (span) => this.handleIn(span, batch));
  }

  private async handleIn(span: Span, batch: InboundBatch): Promise<BatchOutcome> {
    const spans = new EventApplySpans(span);
    const { events, poison, watermark } = this.decode(batch.messages, spans);
    const wait = events.length > 0 ? this.replicationDelay.nextMs() : 0;
    if (wait > 0) await delay(wait);
    const {
      outcome,
      versions,
      events: applied,
      watermarkAdvanced,
    } = events.length > 0 || watermark !== undefined
      ? await this.dataSource
          .transaction((manager) => this.applyBatch(manager, batch, events, watermark))
          .catch((error: unknown) => {
            spans.end(new Set(), true);
            throw error;
          })
      : { ...nothingApplied(), watermarkAdvanced: false };
    spans.end(new Set(applied.map((event) => event.eventId)));
    this.signals.applied(versions);
    if (watermarkAdvanced) this.signals.watermarkApplied(batch.partition, watermark!);
    await this.deadLetter(batch, poison);
    const settled = { ...outcome, deadLettered: poison.length };
    this.stats.add(
      settled,
      applied,
      poison.map((message) => message.reason),
    );
    return settled;
  }

  /** The events and the partition's watermark, in one transaction: the watermark is never ahead of the data. */
  private async applyBatch(
    manager: EntityManager,
    batch: InboundBatch,
    events: GatedEvent[],
    watermark: number | undefined,
  ): Promise<Applied & { watermarkAdvanced: boolean }> {
    const applied = events.length > 0 ? await this.apply(manager, events) : nothingApplied();
    if (watermark === undefined) return { ...applied, watermarkAdvanced: false };
    const watermarkAdvanced = await this.watermarks.advance(manager, batch.topic, batch.partition, watermark);
    if (watermarkAdvanced) await this.signals.announceWatermark(manager, batch.partition, watermark);
    return { ...applied, watermarkAdvanced };
  }

  private decode(messages: InboundMessage[], spans: EventApplySpans): Decoded {
    const events: GatedEvent[] = [];
    const poison: Poison[] = [];
    let watermark: number | undefined;
    for (const message of messages) {
      const at = readWatermark(message);
      if (at !== undefined) {
        watermark = Math.max(watermark ?? at, at);
        continue;
      }
      const decoded = decodeCartEvent(message.value);
      if (!decoded.ok) {
        poison.push({ message, reason: decoded.reason, detail: decoded.detail });
      } else if (message.key?.toLowerCase() !== decoded.event.cartId.toLowerCase()) {
        // Keyed by another cart, it may sit on another partition: its order is not guaranteed.
        poison.push({ message, reason: 'key-mismatch', detail: `key ${message.key} for cart ${decoded.event.cartId}` });
      } else {
        const cartId = decoded.event.cartId.toLowerCase();
        const eventId = decoded.event.eventId.toLowerCase();
        const authoritative = isAuthoritative(decoded.event);
        events.push({ ...decoded.event, cartId, eventId, aggregateId: cartId, authoritative });
        spans.start(message, { cartId, eventId, version: decoded.event.version });
      }
    }
    return { events, poison, watermark };
  }

  private async apply(manager: EntityManager, events: GatedEvent[]): Promise<Applied> {
    const { duplicates, result } = await this.consumer.consume(manager, events, (fresh) =>
      this.applyFresh(manager, fresh),
    );
    return { ...result, outcome: { ...result.outcome, duplicates: duplicates.length } };
  }

  /** Events not seen before: the gate orders them against the views and what was parked. */
  private async applyFresh(manager: EntityManager, fresh: GatedEvent[]): Promise<Handled<Applied>> {
    const cartIds = [...new Set(fresh.map((event) => event.cartId))];
    await lockCartsForApply(manager, cartIds);
    const current = await this.views.lockForUpdate(manager, cartIds);
    const parked = await this.parking.forAggregates(manager, cartIds);
    const plan = this.gate.plan(versionMap(current), fresh, parked);
    const changed = applyInOrder(current, plan.apply);
    const overwritten = new Set(plan.apply.filter((event) => event.authoritative).map((event) => event.cartId));
    await this.views.save(manager, changed, overwritten);
    await this.parking.park(manager, plan.park, 'version-gap');
    await this.parking.remove(manager, ids(plan.unpark));
    const versions = changed.map((view) => [view.id, view.version] as const);
    await this.signals.announce(manager, versions);
    this.logParked(plan.park, current);
    return {
      settled: [...ids(plan.apply), ...ids(plan.stale), ...ids(plan.unpark)],
      result: {
        outcome: {
          applied: plan.apply.length,
          duplicates: 0,
          stale: plan.stale.length,
          parked: plan.park.length,
          deadLettered: 0,
        },
        versions,
        events: plan.apply,
      },
    };
  }

  /** Recorded for the operator first, then copied to the topic: a retried batch records nothing twice. */
  private async deadLetter(batch: InboundBatch, poison: Poison[]): Promise<void> {
    if (poison.length === 0) return;
    const letters = poison.map(({ message, reason, detail }) => toDeadLetter(batch.topic, message, reason, detail));
    await this.deadLetters.record(this.dataSource, letters);
    await this.broker.publish(this.config.deadLetterTopic, letters);
    for (const { message, reason, detail } of poison) {
      this.logger.warn(
        `poison message dead-lettered: ${batch.topic}[${message.partition}]@${message.offset} ` +
          `key=${loggable(message.key)} reason=${reason} (${detail.slice(0, 200)})`,
      );
    }
  }

  private logParked(parked: GatedEvent[], current: Map<string, CartView>): void {
    for (const event of parked) {
      this.logger.warn(
        `event parked behind a version gap: cartId=${event.cartId} eventId=${event.eventId} version=${event.version} ` +
          `readModelVersion=${current.get(event.cartId)?.version ?? 'none'}`,
      );
    }
  }
}

/** A poison key can be any size: its start and its length, never the whole of it. */
function loggable(key: string | null): string {
  if (key === null) return 'none';
  return key.length <= 64 ? JSON.stringify(key) : `${JSON.stringify(key.slice(0, 64))}…(${key.length} chars)`;
}

function nothingApplied(): Applied {
  return { outcome: { applied: 0, duplicates: 0, stale: 0, parked: 0, deadLettered: 0 }, versions: [], events: [] };
}

function ids(events: GatedEvent[]): string[] {
  return events.map((event) => event.eventId);
}

function versionMap(views: Map<string, CartView>): Map<string, number> {
  return new Map([...views].map(([cartId, view]) => [cartId, view.version]));
}

/** Applies the gate's plan; returns each changed cart's final view. */
function applyInOrder(views: Map<string, CartView>, events: GatedEvent[]): CartView[] {
  const changed = new Map<string, CartView>();
  for (const event of events) {
    const next = applyCartEvent(changed.get(event.cartId) ?? views.get(event.cartId), event);
    changed.set(event.cartId, next);
  }
  return [...changed.values()];
}
