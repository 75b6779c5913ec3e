import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { type InboundMessage, KafkajsEventBroker } from '@converge/kafka';
import { CartEventStream } from '../support/cart-event-stream';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, testKafkaBrokers, uniqueName } from '../support/test-env';
import { isPoison, type PoisonMessage, poisonFor, poisonSpec } from './poison-messages';

type CartBody = { id: string; version: number; items: Array<{ sku: string; quantity: number }> };

/** Marks every message of a run, so the dead letters of one run are told from the others'. */
const CASE_HEADER = 'hostile-case';
const DLQ_REASONS = [
  'empty',
  'not-json',
  'unknown-type',
  'unsupported-schema-version',
  'schema-violation',
  'key-mismatch',
];

describe('Cart-Query under poison on its topic', () => {
  let stack: TestStack;
  let kafka: Kafka;
  /**
   * kafkajs itself rather than the EventBroker port: the port keys every message by a string,
   * and a hostile producer also sends null keys, binary keys and repeated headers.
   */
  let producer: Producer;
  let watcher: KafkajsEventBroker;
  const deadLetters = new Map<string, InboundMessage>();

  beforeAll(async () => {
    stack = await TestStack.start({ carts: 0, env: { SESSION_WAIT_MS: '500' } });
    kafka = new Kafka({
      clientId: 'hostile-producer',
      brokers: testKafkaBrokers().split(','),
      logLevel: logLevel.ERROR,
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    watcher = new KafkajsEventBroker({
      clientId: 'dlq-watch',
      brokers: testKafkaBrokers().split(','),
      logLevel: 'error',
    });
    await watcher.subscribe({
      topic: `${stack.topic}.dlq`,
      groupId: uniqueName('dlq-watch'),
      handleBatch: async (batch) => {
        for (const message of batch.messages) deadLetters.set(message.headers[CASE_HEADER] ?? message.offset, message);
      },
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await watcher?.disconnect();
    await stack?.stop();
  });

  const readCart = (cartId: string) =>
    requestJson<CartBody>(`${stack.query[0].url}/carts/${cartId}`, { headers: { Authorization: bearer() } });

  async function expectAlive(): Promise<void> {
    expect(stack.query[0].exited).toBe(false);
    const ready = await requestJson(`${stack.query[0].url}/health/ready`);
    expect(ready.status).toBe(200);
  }

  it('dead-letters every poison message, keeps applying the cart’s events behind it, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(poisonSpec, fc.nat()), { minLength: 1, maxLength: 6 }),
        async (adds, poisonAt) => {
          const run = randomUUID();
          const cart = new CartEventStream();
          const valid = [cart.created(), ...Array.from({ length: adds }, (_, i) => cart.added(`sku-${i % 2}`, 1))];
          // Tampered copies of the version after the last: were one applied, the cart would show it.
          const last = valid[valid.length - 1];
          const next = {
            ...last,
            eventId: randomUUID(),
            type: 'ItemAdded',
            version: last.version + 1,
            payload: { sku: 'never', quantity: 1, lineQuantity: 1 },
          };
          const foreign = (cartId: string) => ({ ...new CartEventStream().created(), cartId });

          const poison = poisonAt
            .map(([spec, at]) => ({ message: poisonFor(spec, cart.cartId, next, foreign), before: at % valid.length }))
            // Garbage that happens to be a valid event is not garbage: never sent, never expected.
            .filter(({ message }) => isPoison(message));
          fc.pre(poison.length > 0);

          const tagged = (message: PoisonMessage | Message, index: number, kind: string): Message => ({
            ...message,
            headers: { ...message.headers, [CASE_HEADER]: `${run}/${kind}/${index}` },
          });
          const messages = valid.flatMap((event, version) => [
            ...poison.flatMap(({ message, before }, index) =>
              before === version ? [tagged(message, index, 'poison')] : [],
            ),
            tagged({ key: event.cartId, value: JSON.stringify(event) }, version, 'valid'),
          ]);
          await producer.send({ topic: stack.topic, acks: -1, messages });

          // The events after the poison on the same partition still apply, exactly as sent.
          const body = await eventually(async () => {
            const { status, body } = await readCart(cart.cartId);
            if (status !== 200 || body.version < valid.length - 1) throw new Error(`at ${status} v${body?.version}`);
            return body;
          });
          expect(body).toMatchObject({ id: cart.cartId, version: valid.length - 1, items: cart.items });

          const expected = poison.map((_, index) => `${run}/poison/${index}`).sort();
          const mine = () => [...deadLetters.keys()].filter((id) => id.startsWith(`${run}/`)).sort();
          await eventually(() => Promise.resolve(expect(mine()).toEqual(expected)));
          poison.forEach(({ message }, index) => {
            const letter = deadLetters.get(`${run}/poison/${index}`) as InboundMessage;
            expect({
              reason: DLQ_REASONS.includes(letter.headers['dlq-reason']),
              topic: letter.headers['dlq-original-topic'],
              // The bytes as they came, so the poison can still be inspected.
              value: (letter.value ?? Buffer.alloc(0)).equals(message.value ?? Buffer.alloc(0)),
            }).toEqual({ reason: true, topic: stack.topic, value: true });
          });
          await expectAlive();
        },
      ),
      { numRuns: 60 },
    );
  });
});
