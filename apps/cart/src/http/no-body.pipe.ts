import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * For a route that takes no input: no body, `null` or `{}` pass; anything else is refused the
 * way the global ValidationPipe refuses unknown fields. An empty DTO cannot do this, as the
 * pipe's forbidUnknownValues rejects every instance of a class without validation rules.
 */
@Injectable()
export class NoBodyPipe implements PipeTransform<unknown, void> {
  transform(body: unknown): void {
    if (body === undefined || body === null) return;
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException('the request body must be empty or a JSON object');
    }
    const fields = Object.keys(body);
    if (fields.length > 0) throw new BadRequestException(fields.map((field) => `property ${field} should not exist`));
  }
}
