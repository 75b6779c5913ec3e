import { Logger, LogLevel as NestLogLevel, Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Server } from 'node:http';
import { LOG_LEVELS, LogLevel } from '../config/env-config';
import type { HttpServerLimits } from '../config/http-server-config';
import { answerClientError } from './client-error';
import { closeKeepAliveOnClose } from './close-keep-alive';
import { ErrorResponseFilter, sendError } from './error-response.filter';
import { requireHostHeader } from './host-header';
import { acceptOnlyJson } from './json-body';
import { nameSpansByRoute } from './span-route';

/** Requests are size-limited before parsing, so a huge body costs nothing. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface HttpAppOptions {
  title: string;
  description: string;
  logLevel: LogLevel;
  limits: HttpServerLimits;
}

export function logLevelsFrom(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const logger = new Logger('HTTP');
  const { limits } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Router-level rejections (a bad URL escape, an overlong path) happen before Nest: same shape.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendError(error, request, reply, logger),
    // Requests Node cannot parse never reach the router: same shape again.
    clientErrorHandler: answerClientError,
    // requireHostHeader answers a request without a Host header, in the contract's shape.
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default): often enough here.
    http: {
      requireHostHeader: false,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: logLevelsFrom(options.logLevel),
    bodyParser: false,
  });
  (app.getHttpServer() as Server).maxConnections = limits.maxConnections;
  acceptOnlyJson(app.getHttpAdapter().getInstance(), MAX_BODY_BYTES);
  closeKeepAliveOnClose(app.getHttpAdapter().getInstance());
  requireHostHeader(app.getHttpAdapter().getInstance(), logger);
  nameSpansByRoute(app.getHttpAdapter().getInstance());
  await app.register(helmet, { contentSecurityPolicy: false });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  app.useGlobalFilters(new ErrorResponseFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      // Documents the scheme only: the page never holds a token or the secret.
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
