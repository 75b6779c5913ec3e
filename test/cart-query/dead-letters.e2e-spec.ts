import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { requestJson } from '../support/http';
import { TestStack } from '../support/stack';
import { bearer, operatorBearer, testKafkaBrokers } from '../support/test-env';

interface Sample {
  id: string;
  key: string;
  detail: string;
  redriveCount: number;
}
interface Listing {
  pending: number;
  reasons: Array<{ reason: string; count: number; samples: Sample[] }>;
  code?: string;
}

describe('dead letters: inspect by reason, redrive with a count guard, discard on record', () => {
  const cleanup = new Cleanup();
  let stack: TestStack;
  let producer: Producer;
  let readModel: Client;

  beforeAll(async () => {
    stack = cleanup.add(await TestStack.start({ env: { DEAD_LETTER_MAX_REDRIVES: '1' } }), (s) => s.stop());
    const kafka = new Kafka({
      clientId: 'dead-letters-test',
      brokers: [testKafkaBrokers()],
      logLevel: logLevel.NOTHING,
    });
    producer = cleanup.add(kafka.producer(), (p) => p.disconnect());
    await producer.connect();
    readModel = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await readModel.connect();
  });

  afterAll(() => cleanup.run());

  const call = <T>(path: string, body?: unknown, authorization = operatorBearer()) =>
    requestJson<T & { code?: string }>(`${stack.query[0].url}/operations/dead-letters${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const listing = async () => (await call<Listing>('')).body;
  const reasons = (list: Listing) => Object.fromEntries(list.reasons.map((group) => [group.reason, group.count]));

  it('lists, redrives and discards, and refuses a letter sent again as often as allowed', async () => {
    const key = randomUUID();
    await producer.send({
      topic: stack.topic,
      messages: [
        { key, value: 'not json at all', headers: { 'x-trace': 'a\u0000b' } },
        { key, value: '{"half":' },
        { key, value: JSON.stringify({ type: 'CartExploded', cartId: key }) },
      ],
    });
    await eventually(async () => expect(reasons(await listing())).toEqual({ 'not-json': 2, 'unknown-type': 1 }));

    const discarded = await call<{ discarded: string[] }>('/discard', { reason: 'unknown-type' });
    expect(discarded.body.discarded).toHaveLength(1);
    const { rows } = await readModel.query('SELECT status, settled_by FROM dead_letters WHERE id = $1', [
      discarded.body.discarded[0],
    ]);
    expect(rows).toEqual([{ status: 'discarded', settled_by: 'operator' }]);

    const first = (await listing()).reasons[0].samples[0];
    const redriven = await call<{ redriven: string[]; refused: unknown[] }>('/redrive', { ids: [first.id] });
    expect(redriven.body).toEqual({ redriven: [first.id], refused: [] });
    // Still poison: it comes back once more, counted, beside the one never redriven.
    await eventually(async () => {
      const samples = (await listing()).reasons.flatMap((group) => group.samples);
      expect(samples.map((sample) => sample.redriveCount).sort()).toEqual([0, 1]);
    });
    const again = await call<{ redriven: string[]; refused: Array<{ id: string; code: string }> }>('/redrive', {
      reason: 'not-json',
    });
    expect(again.body.redriven).toHaveLength(1);
    expect(again.body.refused.map((refusal) => refusal.code)).toEqual(['REDRIVE_LIMIT']);
  });

  it('is for operators only, and names either a reason or ids', async () => {
    expect((await call('', undefined, bearer())).status).toBe(403);
    const answers = await Promise.all([
      call('/redrive', {}),
      call('/discard', { reason: 'not-json', ids: ['1'] }),
      call('/redrive', { ids: ['0'] }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
      [400, 'DEAD_LETTER_SELECTION_INVALID'],
      [400, 'DEAD_LETTER_SELECTION_INVALID'],
      [400, 'BAD_REQUEST'],
    ]);
  });
});
