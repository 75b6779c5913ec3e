import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { backoffDelayMs } from '@converge/backoff';
import { TRACEPARENT_HEADER } from '@converge/contracts';
import { type EventBroker, type EventPublisher, type OutboundMessage, watermarkRecord } from '@converge/kafka';
import { inSpan, linksTo, SpanKind } from '@converge/tracing';
import { describeIds, groupByTopic, oldestCreatedAt, OutboxRow, type TopicBatch } from './outbox-batch';
import { describeFailure } from './outbox-failure';
import { OUTBOX_NOTIFY_CHANNEL, RELAY_EPOCH_HEADER } from './outbox-message';
import { AdvisoryLeadership, type LeadershipTerm } from './outbox-relay.leadership';
import type { OutboxCommitSignal, OutboxRelayOptions, OutboxWakeUp } from './outbox-relay.options';
import { OutboxTable, type UnpublishedPage } from './outbox-table';
import { pause, WakeUpLatch } from './wake-up-latch';
import { WatermarkSchedule } from './watermark-schedule';

// Any fixed 64-bit key works; it only has to differ from other advisory locks (migrations: 4242_0001).
export const DEFAULT_OUTBOX_LOCK_KEY = 4242_0002;
const DEFAULT_STANDBY_RETRY_MS = 1000;
const DEFAULT_LEASE_MS = 5000;
const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
const RETRY_CAP_MS = 5000;
const RETENTION_EVERY_MS = 60_000;
// Bounded deletes keep each statement short, so retention never holds up publishing for long.
const RETENTION_CHUNK_ROWS = 5000;
const RETENTION_CHUNKS_PER_PASS = 10;
/** How long stop() waits for an in-flight broker round trip (e.g. one retrying against a dead broker). */
const STOP_GRACE_MS = 5000;

/** Called after each marked batch: how many rows went out and how old the oldest of them was. */
export type PublishedListener = (rows: number, oldestCreatedAt: Date) => void;

type PassOutcome = 'drained' | 'more' | 'failed';

/** What one term publishes with: its own producer, fenced when the term is lost, and its token. */
interface TermPublishing {
  publisher: EventPublisher;
  epoch: string;
  /** Aborted when the lease is lost; then nothing the term sent since counts as acknowledged. */
  lost: AbortSignal;
}

/** A term's send that was still in flight when the term was lost: fenced, never to be counted. */
class TermLostError extends Error {
  constructor() {
    super('the leadership term was lost with this send in flight');
  }
}

/**
 * Publishes the transactional outbox to the broker: exactly one instance per database publishes
 * (the holder of an advisory lock), reading unpublished rows in id order, publishing them, and
 * marking them only after the broker acknowledged them. A crash between publish and mark
 * publishes those rows again; consumers deduplicate.
 */
export class OutboxRelay
  implements OutboxWakeUp, OutboxCommitSignal, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly table: OutboxTable;
  private readonly leadership: AdvisoryLeadership;
  private readonly wakeUps = new WakeUpLatch();
  private readonly publishedListeners = new Set<PublishedListener>();
  private readonly stopping = new AbortController();
  private readonly standbyRetryMs: number;
  private readonly batchBytes: number;
  private readonly watermarks?: WatermarkSchedule;
  private loop?: Promise<void>;
  private stopped?: Promise<void>;
  private leading = false;
  private publishing?: TermPublishing;

  constructor(
    private readonly broker: EventBroker,
    private readonly options: OutboxRelayOptions,
    private readonly logger = new Logger('OutboxRelay'),
  ) {
    if (options.batchSize < 1) throw new Error('outbox relay batchSize must be at least 1');
    if (options.pollIntervalMs < 1) throw new Error('outbox relay pollIntervalMs must be at least 1');
    this.standbyRetryMs = options.standbyRetryMs ?? DEFAULT_STANDBY_RETRY_MS;
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
    if (this.batchBytes < 1) throw new Error('outbox relay batchBytes must be at least 1');
    this.table = new OutboxTable(options.databaseUrl, logger);
    if (options.watermarks) this.watermarks = new WatermarkSchedule(options.watermarks);
    this.leadership = new AdvisoryLeadership(
      {
        databaseUrl: options.databaseUrl,
        lockKey: options.lockKey ?? DEFAULT_OUTBOX_LOCK_KEY,
        leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
        channel: options.mode === 'notify' ? OUTBOX_NOTIFY_CHANNEL : undefined,
      },
      () => this.wakeUps.ring(),
      logger,
    );
  }

  /** True while this instance holds the lock and publishes. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts competing for leadership in the background; does not wait to lead. */
  async start(): Promise<void> {
    if (this.stopping.signal.aborted) throw new Error('a stopped outbox relay cannot be started again');
    if (this.options.mode === 'off')
      return this.logger.log('relay off: rows are written, another publisher reads them');
    this.loop ??= this.run();
  }

  /** Ends the loop after the in-flight batch, then frees the lock and closes the connections. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  /** A writer's nudge after its commit. Poll mode ignores it: it is the baseline without nudges. */
  wake(): void {
    if (this.options.mode === 'notify') this.wakeUps.ring();
  }

  /**
   * Whether a writer's commit must NOTIFY: only a relay in another process can need it, since this
   * one is woken in-process, and only the leader LISTENs. So while this instance leads, a NOTIFY
   * would reach nobody else, and each costs a commit-time lock and a message to deliver. A term
   * lost between this answer and the commit leaves that row to the next leader's first scan or its
   * fallback poll: later, never lost.
   */
  get commitsMustNotify(): boolean {
    return this.options.mode === 'notify' && !this.leading;
  }

  /** Registers a listener (metrics); returns its removal. */
  onPublished(listener: PublishedListener): () => void {
    this.publishedListeners.add(listener);
    return () => this.publishedListeners.delete(listener);
  }

  /** Rows waiting to be published, whoever leads; for health and metrics. */
  backlog(): Promise<number> {
    return this.table.countUnpublished();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  /** Before the broker and pools close on shutdown, so the in-flight batch can still be marked. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    if (this.loop && !(await settlesWithin(this.loop, STOP_GRACE_MS))) {
      this.logger.warn(`a broker round trip was still in flight ${STOP_GRACE_MS} ms after stop; fencing it`);
      // The lock goes with the connections below: from here on another relay may lead.
      this.leading = false;
      await settlesWithin(this.publishing?.publisher.fence() ?? Promise.resolve(), STOP_GRACE_MS);
    }
    await Promise.all([settlesWithin(this.leadership.release(), STOP_GRACE_MS), this.table.close()]);
  }

  /** Standby until the lock is ours, lead until it is lost, and again, until stopped. */
  private async run(): Promise<void> {
    try {
      await this.competeForLeadership(this.stopping.signal);
    } catch (error) {
      // Not expected: every step handles its own failures. Logged so it cannot vanish silently.
      this.logger.error(`the outbox relay loop ended unexpectedly: ${describeFailure(error)}`);
    }
  }

  private async competeForLeadership(stop: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      let next = this.standbyRetryMs;
      try {
        const term = await this.leadership.tryAcquire();
        failures = 0;
        if (term && !stop.aborted) {
          await this.lead(term, stop);
          // A relay whose lock connection just failed is the least healthy candidate:
          // standbys, which ask every standbyRetryMs, get the first chance to take over.
          next = 2 * this.standbyRetryMs;
        }
      } catch (error) {
        next = backoffDelayMs(failures++, this.standbyRetryMs, RETRY_CAP_MS);
        if (!stop.aborted) {
          this.logger.warn(
            `cannot ask the database for leadership (failure ${failures}, retrying in ${next} ms): ` +
              describeFailure(error),
          );
        }
      }
      await pause(next, stop);
    }
  }

  private async lead(leadership: LeadershipTerm, stop: AbortSignal): Promise<void> {
    const term = AbortSignal.any([stop, leadership.lost]);
    const publishing = { publisher: this.broker.openPublisher(), epoch: leadership.epoch, lost: leadership.lost };
    // Fenced the moment the lease is lost, not once the loop notices: a send in flight or being
    // retried must not reach the broker after another instance may have begun to publish.
    const fence = () => void publishing.publisher.fence();
    leadership.lost.addEventListener('abort', fence, { once: true });
    this.publishing = publishing;
    this.leading = true;
    this.logger.log(`leading: publishing the outbox (${this.options.mode} mode, epoch ${leadership.epoch})`);
    let retentionDueAt = 0;
    let failures = 0;
    try {
      while (!term.aborted) {
        if (Date.now() >= retentionDueAt) retentionDueAt = await this.applyRetention(term);
        const outcome = await this.publishPass(term, publishing, failures + 1);
        if (outcome === 'failed') {
          await pause(backoffDelayMs(failures++, 100, RETRY_CAP_MS), term);
          continue;
        }
        failures = 0;
        if (outcome === 'drained') await this.idle(term);
      }
    } finally {
      leadership.lost.removeEventListener('abort', fence);
      // Stopped: the batch in flight finished above; nothing of this term's is sent after this.
      await publishing.publisher.fence();
      this.publishing = undefined;
      this.leading = false;
      this.logger.log(`no longer leading (epoch ${leadership.epoch})`);
    }
  }

  /** Waits for the next reason to look at the outbox. */
  private async idle(term: AbortSignal): Promise<void> {
    const wait = this.watermarks?.idleWait(this.options.pollIntervalMs) ?? this.options.pollIntervalMs;
    if (this.options.mode === 'notify') await this.wakeUps.wait(wait, term);
    else await pause(wait, term);
  }

  /** Publishes one batch: topic by topic, each awaited until acknowledged, then marks what went out. */
  private async publishPass(term: AbortSignal, publishing: TermPublishing, attempt: number): Promise<PassOutcome> {
    this.wakeUps.clear();
    let page: UnpublishedPage;
    try {
      page = await this.table.unpublished(this.options.batchSize, this.batchBytes);
    } catch (error) {
      this.logger.warn(`reading the outbox failed (attempt ${attempt}), retrying: ${describeFailure(error)}`);
      return 'failed';
    }
    const { rows, scannedAtMs, complete } = page;
    if (rows.length === 0) {
      await this.sendWatermark(scannedAtMs, term, publishing);
      return 'drained';
    }
    const acknowledged = new Set<string>();
    let failed = false;
    for (const batch of groupByTopic(rows)) {
      // Stop or a lost lock: publish nothing more, but still mark what the broker acknowledged.
      if (term.aborted) break;
      try {
        await this.publishTraced(batch, publishing);
        for (const id of batch.ids) acknowledged.add(id);
      } catch (error) {
        if (publishing.lost.aborted) break;
        const left = rows.filter((row) => !acknowledged.has(row.id)).map((row) => row.id);
        await this.recordFailure(left, batch.topic, error, attempt);
        failed = true;
        break;
      }
    }
    const published = rows.filter((row) => acknowledged.has(row.id));
    if (published.length > 0 && !(await this.markPublished(published))) return 'failed';
    if (failed) return 'failed';
    if (!complete) return 'more';
    // The scan saw every unpublished row of its snapshot, all now acknowledged.
    if (published.length === rows.length) await this.sendWatermark(scannedAtMs, term, publishing);
    return 'drained';
  }

  /**
   * A publish is a trace of its own: it serves many requests, so it links to the outbox insert
   * span each row stored rather than belonging to any one of them.
   */
  /** Through this term's publisher, stamped with its epoch, in a span linked to each row's writer. */
  private publishTraced(batch: TopicBatch, publishing: TermPublishing): Promise<void> {
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': batch.topic,
      'messaging.batch.message_count': batch.messages.length,
    };
    const links = linksTo(batch.messages.map((message) => message.headers?.[TRACEPARENT_HEADER]));
    return inSpan(`publish ${batch.topic}`, { kind: SpanKind.PRODUCER, root: true, links, attributes }, () =>
      unlessLost(publishing.publisher.publish(batch.topic, stamped(batch.messages, publishing.epoch)), publishing),
    );
  }

  /**
   * Every transaction that committed before the scan's instant was in its snapshot, and every row
   * the snapshot held unpublished is now acknowledged (rows published earlier were acknowledged
   * before they were marked). So, written after them, the instant is true on every partition.
   * A failed watermark is only logged: the next one says more.
   */
  private async sendWatermark(scannedAtMs: number, term: AbortSignal, publishing: TermPublishing): Promise<void> {
    if (!this.watermarks?.due || term.aborted) return;
    this.watermarks.sent();
    try {
      const { headers } = watermarkRecord(scannedAtMs);
      const record = { headers: { ...headers, [RELAY_EPOCH_HEADER]: publishing.epoch } };
      for (const topic of this.watermarks.topics) {
        await unlessLost(publishing.publisher.publishToEveryPartition(topic, record), publishing);
      }
    } catch (error) {
      this.logger.warn(`publishing a watermark failed: ${describeFailure(error)}`);
    }
  }

  private async recordFailure(ids: string[], topic: string, error: unknown, attempt: number): Promise<void> {
    const reason = describeFailure(error);
    this.logger.warn(`publishing ${describeIds(ids)} to ${topic} failed (attempt ${attempt}), retrying: ${reason}`);
    if (this.table.isClosed) return;
    try {
      await this.table.recordFailure(ids, reason);
    } catch (recordError) {
      this.logger.warn(`could not record the failure on ${describeIds(ids)}: ${describeFailure(recordError)}`);
    }
  }

  /** False if the mark failed: those rows stay unpublished and will be published again. */
  private async markPublished(published: OutboxRow[]): Promise<boolean> {
    const ids = published.map((row) => row.id);
    try {
      await this.table.markPublished(ids);
    } catch (error) {
      this.logger.warn(
        `marking ${describeIds(ids)} published failed; they will be re-published: ` + describeFailure(error),
      );
      return false;
    }
    this.logger.debug(`published ${describeIds(ids)}`);
    for (const listener of this.publishedListeners) {
      try {
        listener(published.length, oldestCreatedAt(published));
      } catch (error) {
        this.logger.warn(`an onPublished listener failed: ${describeFailure(error)}`);
      }
    }
    return true;
  }

  /** Deletes expired published rows in bounded chunks; returns when retention is next due. */
  private async applyRetention(term: AbortSignal): Promise<number> {
    let deleted = 0;
    try {
      for (let chunk = 0; chunk < RETENTION_CHUNKS_PER_PASS && !term.aborted; chunk++) {
        const count = await this.table.deletePublishedBefore(this.options.retentionMs, RETENTION_CHUNK_ROWS);
        deleted += count;
        if (count < RETENTION_CHUNK_ROWS) {
          if (deleted > 0) this.logger.log(`retention deleted ${deleted} published outbox rows`);
          return Date.now() + RETENTION_EVERY_MS;
        }
      }
      // More is left: carry on between publishing passes rather than in one long sweep.
      this.logger.log(`retention deleted ${deleted} published outbox rows, continuing`);
      return Date.now();
    } catch (error) {
      this.logger.warn(`outbox retention failed after deleting ${deleted} rows: ${describeFailure(error)}`);
      return Date.now() + RETENTION_EVERY_MS;
    }
  }
}

/** Every message signed with the term's fencing token. */
function stamped(messages: OutboundMessage[], epoch: string): OutboundMessage[] {
  return messages.map((message) => ({ ...message, headers: { ...message.headers, [RELAY_EPOCH_HEADER]: epoch } }));
}

/**
 * The send, unless the term is lost first: then it is abandoned (its publisher is fenced, so it
 * reaches no broker from then on) and never counted as acknowledged.
 */
function unlessLost<T>(send: Promise<T>, { lost }: TermPublishing): Promise<T> {
  send.catch(() => undefined);
  if (lost.aborted) return Promise.reject(new TermLostError());
  return new Promise<T>((resolve, reject) => {
    const onLost = () => reject(new TermLostError());
    lost.addEventListener('abort', onLost, { once: true });
    send.then(resolve, reject).finally(() => lost.removeEventListener('abort', onLost));
  });
}

/** Whether the work settled within the time; it is left running either way. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
