import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP receiver sees it, whichever encoding it came in. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  durationMs: number;
  links: Array<{ traceId: string; spanId: string }>;
  /** Each export's encoding, so a test can tell both were used. */
  encoding: 'json' | 'protobuf';
}

/**
 * A collector of our own: takes OTLP over HTTP (POST /v1/traces) in http/json and in
 * http/protobuf, and keeps every span it was sent.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Export requests received. */
  exports = 0;

  private constructor(private readonly server: Server) {}

  /** `keep: false` counts spans without keeping them: a sink for a benchmark. */
  static async start({ keep = true } = {}): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        const body = Buffer.concat(chunks);
        const json = (request.headers['content-type'] ?? '').includes('json');
        if (keep) receiver.spans.push(...(json ? spansOfJson(body) : spansOfProtobuf(body)));
        receiver.exports++;
        response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        response.end(json ? '{}' : undefined);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  links?: Array<{ traceId: string; spanId: string }>;
}

interface JsonExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: JsonSpan[] }>;
  }>;
}

function spansOfJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as JsonExport;
  return request.resourceSpans.flatMap(({ resource, scopeSpans }) => {
    const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
    return scopeSpans.flatMap(({ spans }) =>
      spans.map((span) => ({
        service,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
        links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        encoding: 'json' as const,
      })),
    );
  });
}

/** Protobuf fields, by number: each value a varint, a fixed64 or the bytes of a length-delimited field. */
type Fields = Map<number, Array<bigint | Buffer>>;

/** Reads one message of the wire format (no schema: the caller knows which field is what). */
function fieldsOf(buffer: Buffer): Fields {
  const fields: Fields = new Map();
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buffer[at++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const [field, wire] = [Number(key >> 3n), Number(key & 7n)];
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buffer.readBigUInt64LE((at += 8) - 8);
    else if (wire === 2) {
      const length = Number(varint());
      value = buffer.subarray(at, (at += length));
    } else if (wire === 5) value = BigInt(buffer.readUInt32LE((at += 4) - 4));
    else throw new Error(`unexpected protobuf wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const messages = (fields: Fields, n: number) => (fields.get(n) ?? []).map((value) => fieldsOf(value as Buffer));
const bytes = (fields: Fields, n: number) => (fields.get(n)?.[0] as Buffer | undefined) ?? Buffer.alloc(0);
const number = (fields: Fields, n: number) => (fields.get(n)?.[0] as bigint | undefined) ?? 0n;

/** ExportTraceServiceRequest, by the field numbers of opentelemetry-proto's trace.proto. */
function spansOfProtobuf(body: Buffer): ReceivedSpan[] {
  return messages(fieldsOf(body), 1).flatMap((resourceSpans) => {
    const attributes = messages(messages(resourceSpans, 1)[0] ?? new Map(), 1);
    const serviceName = attributes.find((kv) => bytes(kv, 1).toString() === 'service.name');
    const service = serviceName ? bytes(messages(serviceName, 2)[0], 1).toString() : '';
    return messages(resourceSpans, 2).flatMap((scopeSpans) =>
      messages(scopeSpans, 2).map((span) => ({
        service,
        traceId: bytes(span, 1).toString('hex'),
        spanId: bytes(span, 2).toString('hex'),
        parentSpanId: bytes(span, 4).toString('hex') || undefined,
        name: bytes(span, 5).toString(),
        kind: Number(number(span, 6)),
        durationMs: Number(number(span, 8) - number(span, 7)) / 1e6,
        links: messages(span, 13).map((link) => ({
          traceId: bytes(link, 1).toString('hex'),
          spanId: bytes(link, 2).toString('hex'),
        })),
        encoding: 'protobuf' as const,
      })),
    );
  });
}
