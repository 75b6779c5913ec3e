/**
 * One dependency a service needs before it takes traffic, beyond its database: the app names
 * them (Kafka, say), so the platform knows none of them.
 */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Resolves when the dependency answers within the bound, with details to show if it has any;
   * rejects with why it does not.
   */
  probe(timeoutMs: number): Promise<void | Record<string, unknown>>;
}

/** The injection token under which an app provides its list of ReadinessCheck. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
