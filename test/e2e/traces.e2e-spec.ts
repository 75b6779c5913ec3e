import { CartClient } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { TestStack } from '../support/stack';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

function one(spans: ReceivedSpan[], match: Partial<ReceivedSpan>): ReceivedSpan {
  const found = spans.filter((span) => Object.entries(match).every(([k, v]) => span[k as keyof ReceivedSpan] === v));
  expect(found.map((span) => `${span.service} ${span.name}`)).toHaveLength(1);
  return found[0];
}

const linksTo = (span: ReceivedSpan) => (other: ReceivedSpan) =>
  other.links.some((link) => link.traceId === span.traceId && link.spanId === span.spanId);

describe('traces: one add-item is one trace, from the HTTP request to the read model', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let write: CartClient;
  let read: CartClient;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    // Cart exports http/json, Cart-Query http/protobuf: the receiver decodes both.
    stack = await TestStack.start({
      queries: 0,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    await stack.startQuery({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    write = new CartClient(stack.cart[0].url);
    read = new CartClient(stack.query[0].url);
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('links the request, the outbox insert, the relay publish, the consumer batch and the event apply', async () => {
    const created = await write.createCart();
    const added = await write.addItem(created.body.id, 'apple', 2, created.token);
    expect(added.status).toBe(200);
    expect((await read.getCart(created.body.id, added.token)).status).toBe(200);

    const request = await eventually(async () => {
      const requests = receiver.spans.filter((s) => s.name === 'POST /carts/:cartId/items');
      expect(requests).toHaveLength(1);
      return requests[0];
    }, 30_000);
    const trace = await eventually(async () => {
      const spans = receiver.trace(request.traceId);
      expect(spans.map((span) => `${span.service} ${span.name}`)).toEqual(
        expect.arrayContaining(['cart outbox insert', 'cart-query apply cart event']),
      );
      return spans;
    }, 30_000);

    expect(request).toMatchObject({ service: 'cart', kind: SERVER, parentSpanId: undefined, encoding: 'json' });
    const insert = one(trace, { name: 'outbox insert', kind: PRODUCER });
    expect(insert.parentSpanId).toBe(request.spanId);
    // The one statement that wrote the cart and its event is the insert's child (beside the pool's
    // checkout of a connection for it: the statement is a transaction of its own).
    const statements = trace.filter(
      (span) => span.parentSpanId === insert.spanId && span.service === 'cart' && span.name.startsWith('pg.query'),
    );
    expect(statements.map((span) => span.name)).toEqual([expect.stringMatching(/^pg\.query:cart-save-/)]);
    const apply = one(trace, { name: 'apply cart event', kind: CONSUMER });
    expect(apply).toMatchObject({ service: 'cart-query', parentSpanId: insert.spanId, encoding: 'protobuf' });
    expect(trace.every((span) => ['cart', 'cart-query'].includes(span.service))).toBe(true);

    // The relay's publish and the consumer's batch serve many requests: traces of their own, linked.
    const publish = await eventually(async () => one(receiver.spans.filter(linksTo(insert)), { kind: PRODUCER }));
    expect(publish).toMatchObject({ service: 'cart', name: `publish ${stack.topic}`, parentSpanId: undefined });
    expect(publish.traceId).not.toBe(request.traceId);
    const batch = one(receiver.spans.filter(linksTo(insert)), { kind: CONSUMER });
    expect(batch).toMatchObject({ service: 'cart-query', name: `process ${stack.topic}`, parentSpanId: undefined });
    expect(apply.links).toEqual([{ traceId: batch.traceId, spanId: batch.spanId }]);

    // The read with the session token waits in a span of its own request's trace.
    // Exported in Cart-Query's own batches, so not necessarily with the apply's.
    const wait = await eventually(async () => one(receiver.spans, { name: 'session-token wait' }));
    const getCart = await eventually(async () =>
      one(receiver.spans, { name: 'GET /carts/:cartId', service: 'cart-query' }),
    );
    expect(wait).toMatchObject({ traceId: getCart.traceId, parentSpanId: getCart.spanId });
  });

  it("traces the studio's requests and its calls to Cart, which continue the studio's trace", async () => {
    const studio = await stack.startStudio();
    const answer = await fetch(`${studio.url}/api/carts`, { method: 'POST' });
    expect(answer.status).toBe(201);
    const request = await eventually(async () => one(receiver.spans, { service: 'studio', name: 'POST /api/carts' }));
    const call = await eventually(async () => one(receiver.spans, { service: 'studio', parentSpanId: request.spanId }));
    expect(call).toMatchObject({ kind: CLIENT, traceId: request.traceId });
    const atCart = await eventually(async () => one(receiver.spans, { service: 'cart', parentSpanId: call.spanId }));
    expect(atCart).toMatchObject({ name: 'POST /carts', kind: SERVER, traceId: request.traceId });
  });
});
