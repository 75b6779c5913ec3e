import Fastify, { type FastifyInstance } from 'fastify';
import {
  acceptOnlyJson,
  declaresOtherCharset,
  jsonDepthExceeds,
  JsonTooDeepError,
  MAX_JSON_DEPTH,
  MalformedJsonError,
} from './json-body';

const nestedArrays = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('jsonDepthExceeds', () => {
  it.each([
    [1, 0],
    ['text', 0],
    [null, 0],
    [{}, 1],
    [[], 1],
    [{ sku: 'A', quantity: 1 }, 1],
    [{ a: [{ b: [] }] }, 4],
  ])('measures %p as %p levels deep', (value, depth) => {
    expect(jsonDepthExceeds(value, depth)).toBe(false);
    if (depth > 0) expect(jsonDepthExceeds(value, depth - 1)).toBe(true);
  });

  it('measures a body nested far past the call stack without overflowing it', () => {
    expect(jsonDepthExceeds(JSON.parse(nestedArrays(100_000)), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('acceptOnlyJson', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    acceptOnlyJson(app, 16 * 1024);
    app.post('/', (request) => ({ body: request.body ?? null }));
    // The codes as the services' error filter would map them: these errors are the parser's own.
    app.setErrorHandler((error, _request, reply) => {
      const code = error instanceof JsonTooDeepError || error instanceof MalformedJsonError ? error.code : 'OTHER';
      return reply.status(400).send({ code });
    });
    await app.ready();
  });

  afterAll(() => app.close());

  const post = (payload: string) =>
    app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload });

  it(`takes a body nested ${MAX_JSON_DEPTH} levels deep`, async () => {
    expect((await post(nestedArrays(MAX_JSON_DEPTH))).statusCode).toBe(200);
    expect((await post(nestedObjects(MAX_JSON_DEPTH))).statusCode).toBe(200);
  });

  it.each([
    ['arrays', nestedArrays(MAX_JSON_DEPTH + 1)],
    ['objects', nestedObjects(MAX_JSON_DEPTH + 1)],
    ['arrays filling 16 KiB', nestedArrays(8000)],
    ['a deep value inside a valid body', `{"sku":"A","quantity":${nestedArrays(4000)}}`],
  ])('refuses %s nested deeper with BAD_REQUEST', async (_name, payload) => {
    const answer = await post(payload);
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 400, body: { code: 'BAD_REQUEST' } });
  });

  it('still refuses malformed JSON as such', async () => {
    expect((await post('{"a":')).json()).toEqual({ code: 'MALFORMED_JSON' });
  });
});

describe('declaresOtherCharset', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
    'application/json; charset=utf8',
  ])('takes %p as UTF-8', (contentType) => {
    expect(declaresOtherCharset(contentType)).toBe(false);
  });

  it.each([
    'application/json; charset=utf-16',
    'application/json; charset=UTF-16LE',
    'application/json; charset=iso-8859-1',
    'application/json; charset="latin1"',
    'application/json;charset=',
  ])('refuses %p', (contentType) => {
    expect(declaresOtherCharset(contentType)).toBe(true);
  });
});
