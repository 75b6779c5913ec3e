import { serverSentEvents } from './server-sent-events';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(parts: string[]) {
  const seen = [];
  for await (const message of serverSentEvents(chunks(...parts))) seen.push(message);
  return seen;
}

describe('serverSentEvents', () => {
  it('frames messages across chunk boundaries, with any line ending, skipping comments', async () => {
    expect(
      await all([': hello\n\nevent: app', 'lied\ndata: [1,\r\ndata: 2]\r\n\r', '\ndata:x\rdata: y\n\n', 'data: cut']),
    ).toEqual([
      { event: 'applied', data: '[1,\n2]' },
      { event: 'message', data: 'x\ny' },
    ]);
  });

  it('reads a CRLF split between two chunks as one line end', async () => {
    expect(await all(['data: a\r', '\ndata: b\r\n\r\n'])).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
