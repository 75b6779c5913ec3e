import { Duplex } from 'node:stream';
import { answerClientError, clientErrorBody } from './client-error';

const withCode = (code: string): Error & { code: string } => Object.assign(new Error(code), { code });

/** A socket that keeps what is written to it. */
function recordingSocket(): { socket: Duplex; written: () => string } {
  const chunks: Buffer[] = [];
  const socket = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _encoding, callback) => {
      chunks.push(chunk);
      callback();
    },
  });
  socket.on('error', () => undefined);
  return { socket, written: () => Buffer.concat(chunks).toString('utf8') };
}

describe('clientErrorBody', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'HEADERS_TOO_LARGE', 'Request Header Fields Too Large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT', 'Request Timeout'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'MALFORMED_REQUEST', 'Bad Request'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'MALFORMED_REQUEST', 'Bad Request'],
  ])('answers %s with %p %s', (code, statusCode, errorCode, error) => {
    expect(clientErrorBody(withCode(code))).toEqual({
      statusCode,
      error,
      message: expect.any(String),
      code: errorCode,
    });
  });
});

describe('answerClientError', () => {
  it('writes the error body as a whole response and closes the connection', async () => {
    const { socket, written } = recordingSocket();
    answerClientError(withCode('HPE_HEADER_OVERFLOW'), socket);
    await new Promise((resolve) => socket.once('close', resolve));
    const [head, body] = written().split('\r\n\r\n');
    expect(head.split('\r\n')).toEqual([
      'HTTP/1.1 431 Request Header Fields Too Large',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ]);
    expect(JSON.parse(body)).toEqual(clientErrorBody(withCode('HPE_HEADER_OVERFLOW')));
  });

  it('writes nothing to a connection that was reset', () => {
    const { socket, written } = recordingSocket();
    answerClientError(withCode('ECONNRESET'), socket);
    expect(written()).toBe('');
    expect(socket.destroyed).toBe(false);
  });
});
