import { Injectable, PipeTransform } from '@nestjs/common';
import { SKU_PATTERN } from '@converge/contracts';
import { InvalidSkuError } from '../domain/cart.errors';

/** The same rule the domain enforces, checked at the edge so a bad path fails before any SQL runs. */
@Injectable()
export class ParseSkuPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !SKU_PATTERN.test(value)) throw new InvalidSkuError();
    return value;
  }
}
