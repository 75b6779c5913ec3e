import { Inject, Injectable } from '@nestjs/common';
import { type CartChanges, CartUnitOfWork } from '../../commands/cart-unit-of-work';

export interface EmitSnapshots {
  cartIds: readonly string[];
}

export interface SnapshotsEmitted {
  /** Carts whose snapshot is now in the outbox, behind their earlier events. */
  emitted: string[];
  /** Carts the write model does not hold. */
  missing: string[];
}

/** A reader asked for carts it lost track of: each gets a CartSnapshot, in order with its events. */
@Injectable()
export class EmitSnapshotsHandler {
  constructor(@Inject(CartUnitOfWork) private readonly carts: CartChanges) {}

  async execute(command: EmitSnapshots): Promise<SnapshotsEmitted> {
    const now = new Date();
    const described = await this.carts.describe(command.cartIds, (cart) => cart.snapshot(now));
    const emitted = new Set(described.map((cart) => cart.id));
    return { emitted: [...emitted], missing: command.cartIds.filter((id) => !emitted.has(id)) };
  }
}
