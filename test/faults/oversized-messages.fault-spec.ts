import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { deadLetterTopicOf } from '@converge/contracts';
import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { testKafkaBrokers } from '../support/test-env';
import { FaultRun } from './support/fault-run';

const KIB = 1024;

describe('fault: poison with oversized keys and headers, and a relay backlog over 1 MiB on one partition', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('dead-letters the poison and publishes the backlog in slices; nothing stalls, the history checks out', async () => {
    const stack = cleanup.add(await TestStack.start(), (s) => s.stop());
    const kafka = new Kafka({ clientId: 'fault-l', brokers: [testKafkaBrokers()], logLevel: logLevel.NOTHING });
    const producer = cleanup.add(kafka.producer(), (p) => p.disconnect());
    const admin = cleanup.add(kafka.admin(), (a) => a.disconnect());
    await Promise.all([producer.connect(), admin.connect()]);
    const outbox = cleanup.add(new Client({ connectionString: stack.cartDb.url }), (c) => c.end());
    await outbox.connect();
    const run = cleanup.add(
      await FaultRun.begin('l. oversized poison, and a 1.2 MiB relay backlog on one partition', stack),
      (r) => r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    // Each just under the broker's 1 MiB: 100 KiB of invalid UTF-8 in the key (300 KiB once decoded),
    // 60 headers of 10 KiB, and 250 KiB of value. A copy with the dead-letter headers added would not fit.
    for (let i = 0; i < 5; i++) {
      const headers = Object.fromEntries(Array.from({ length: 60 }, (_, h) => [`h${h}`, 'v'.repeat(10 * KIB)]));
      await producer.send({
        topic: stack.topic,
        messages: [{ key: Buffer.alloc(100 * KIB, 0xff), value: Buffer.alloc(250 * KIB, 0x7b), headers }],
      });
    }
    // 30 rows of 40 KiB for one key, in one transaction: the relay's next batch is 1.2 MiB to one partition.
    const skewed = randomUUID();
    const padding = JSON.stringify({ type: 'Padding', cartId: skewed, pad: 'x'.repeat(40 * KIB) });
    await outbox.query(
      `INSERT INTO outbox (topic, message_key, payload, headers)
       SELECT $1, $2, $3::jsonb, '{}'::jsonb FROM generate_series(1, 30)`,
      [stack.topic, skewed, padding],
    );
    const injected = run.now();
    await run.faultEnded();

    await run.until('the relay published the backlog', async () => {
      const { rows } = await outbox.query<{ left: number }>(
        'SELECT count(*)::int AS left FROM outbox WHERE published_at IS NULL',
      );
      return rows[0].left === 0;
    });
    const deadLetters = async () =>
      (await admin.fetchTopicOffsets(deadLetterTopicOf(stack.topic))).reduce((sum, p) => sum + Number(p.high), 0);
    await run.until('35 dead letters: the poison and the padding', async () => (await deadLetters()) >= 35);
    const settled = run.now();
    await run.until('9 s of load', () => run.loadedFor(9000));
    await run.finish();
    process.stdout.write(
      `\n[faults] l.: 5 poison messages of ~1 MiB (300 KiB keys, 600 KiB headers) and a 1.2 MiB backlog on one ` +
        `partition dead-lettered and published ${((settled - injected) / 1000).toFixed(2)} s after injection\n`,
    );
  }, 120_000);
});
