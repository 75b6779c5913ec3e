import type { DigestBranch, DigestLeaf, DigestSource } from './digest-tree';

/** Another service's digest tree, read through its GET /operations/digests. */
export class HttpDigestSource implements DigestSource {
  constructor(
    private readonly baseUrl: string,
    private readonly authorization: () => string,
    private readonly timeoutMs = 10_000,
  ) {}

  branch(prefix: string): Promise<DigestBranch> {
    return this.get<DigestBranch>(prefix);
  }

  leaf(prefix: string): Promise<DigestLeaf> {
    return this.get<DigestLeaf>(prefix);
  }

  private async get<T>(prefix: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}/operations/digests?prefix=${prefix}`, {
      headers: { Authorization: this.authorization() },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status !== 200) {
      throw new Error(`GET /operations/digests?prefix=${prefix} answered ${response.status}`);
    }
    return (await response.json()) as T;
  }
}
