import type { FastifyInstance } from 'fastify';
import { shutdownDrain } from './shutdown-drain';

/**
 * Lets a closing server finish: server.close() waits for every open connection, and closes only
 * those idle at that moment. A request in flight then leaves its keep-alive connection idle and
 * open after its answer, and the process lives on until the client drops it (fetch keeps it
 * for over a minute). So once closing, every answer says `Connection: close` (the client knows
 * not to send on it again, and Node ends it after the answer), and any connection left idle
 * after an answer is closed at once.
 */
export function closeKeepAliveOnClose(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    // Draining too: the client learns not to send on this connection again, without a reset.
    if (closing || shutdownDrain.active) reply.header('connection', 'close');
    done(null, payload);
  });
  // An answer whose headers went out just before closing began cannot say it any more.
  fastify.addHook('onResponse', (_request, _reply, done) => {
    if (closing) fastify.server.closeIdleConnections();
    done();
  });
}
