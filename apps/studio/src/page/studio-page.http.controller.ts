import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppError } from '@converge/platform';

/** Beside the bundle: dist/apps/studio/main.js finds apps/studio/page, in the repository and in the image. */
const PAGE_DIR = join(dirname(process.argv[1] ?? '.'), '..', '..', '..', 'apps', 'studio', 'page');
const ASSETS: Record<string, string> = {
  'studio.js': 'text/javascript; charset=utf-8',
  'studio.css': 'text/css; charset=utf-8',
  'charts.js': 'text/javascript; charset=utf-8',
};
// Scripts and styles from the studio only; the feed and the API are on the same origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

class AssetNotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not-found' as const;
  readonly retriable = false;
}

/** The one page, read once at start-up: small, and the same for every visitor. */
@ApiExcludeController()
@Controller()
export class StudioPageHttpController {
  private readonly files = new Map(
    ['index.html', ...Object.keys(ASSETS)].map((name) => [name, readFileSync(join(PAGE_DIR, name), 'utf8')]),
  );

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.files.get('index.html') as string;
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    const type = ASSETS[name];
    if (!type) throw new AssetNotFoundError(`no asset ${name}`);
    void reply.header('Content-Type', type).header('Cache-Control', 'no-cache');
    return this.files.get(name) as string;
  }
}
