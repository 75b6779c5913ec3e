/** Undo steps run in reverse order, every one even when an earlier one fails; the first error is rethrown. */
export class Cleanup {
  private readonly steps: Array<() => Promise<unknown>> = [];

  add<T>(resource: T, undo: (resource: T) => Promise<unknown>): T {
    this.steps.push(() => undo(resource));
    return resource;
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) await step().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  }
}
