/** One child of a branch: the XOR of the digests under it, and how many carts that covers. */
export interface DigestChild {
  digest: string;
  carts: number;
}

/** A node above the leaves: its non-empty children by prefix. */
export interface DigestBranch {
  prefix: string;
  carts: number;
  children: Record<string, DigestChild>;
}

export interface DigestedRow {
  id: string;
  version: number;
  digest: string;
}

/** A leaf: the rows it folds, each with its own digest. */
export interface DigestLeaf {
  prefix: string;
  rows: DigestedRow[];
}

/** One side's tree, local (SQL) or remote (HTTP). */
export interface DigestSource {
  branch(prefix: string): Promise<DigestBranch>;
  leaf(prefix: string): Promise<DigestLeaf>;
}

/** A row whose digests differ; a side that lacks it has no version. */
export interface Difference {
  id: string;
  leaf: string;
  localVersion?: number;
  referenceVersion?: number;
}

export interface Comparison {
  /** Rows the reference holds: what one comparison covered. */
  rows: number;
  differences: Difference[];
  /** JSON bytes of the reference's nodes read: what crossed to the comparing side. */
  referenceBytes: number;
}

const size = (node: unknown): number => Buffer.byteLength(JSON.stringify(node));

/**
 * Compares two trees top-down, descending only where digests differ: the cost grows with the
 * differences, not with the rows. `leafLength` is the length of a leaf's prefix.
 */
export class DigestTreeComparison {
  private bytes = 0;

  constructor(
    private readonly local: DigestSource,
    private readonly reference: DigestSource,
    private readonly leafLength: number,
  ) {}

  async all(): Promise<Comparison> {
    const root = await this.branches('');
    const differences = await this.leaves(root.differing);
    return { rows: root.rows, differences, referenceBytes: this.bytes };
  }

  /** The given leaves only: a second look at what the first comparison found. */
  async leaves(prefixes: Iterable<string>): Promise<Difference[]> {
    const found: Difference[] = [];
    for (const prefix of prefixes) found.push(...(await this.leaf(prefix)));
    return found;
  }

  private async branches(prefix: string): Promise<{ rows: number; differing: string[] }> {
    const [local, reference] = await Promise.all([this.local.branch(prefix), this.reference.branch(prefix)]);
    this.bytes += size(reference);
    const differing = differingChildren(local, reference);
    if (prefix.length + 1 === this.leafLength) return { rows: reference.carts, differing };
    const below: string[] = [];
    for (const child of differing) below.push(...(await this.branches(child)).differing);
    return { rows: reference.carts, differing: below };
  }

  private async leaf(prefix: string): Promise<Difference[]> {
    const [local, reference] = await Promise.all([this.local.leaf(prefix), this.reference.leaf(prefix)]);
    this.bytes += size(reference);
    const mine = new Map(local.rows.map((row) => [row.id, row]));
    const theirs = new Map(reference.rows.map((row) => [row.id, row]));
    const differences: Difference[] = [];
    for (const id of new Set([...mine.keys(), ...theirs.keys()])) {
      const [a, b] = [mine.get(id), theirs.get(id)];
      if (a?.digest !== b?.digest) {
        differences.push({ id, leaf: prefix, localVersion: a?.version, referenceVersion: b?.version });
      }
    }
    return differences;
  }
}

function differingChildren(local: DigestBranch, reference: DigestBranch): string[] {
  const keys = new Set([...Object.keys(local.children), ...Object.keys(reference.children)]);
  return [...keys]
    .filter((key) => {
      const [a, b] = [local.children[key], reference.children[key]];
      return a?.digest !== b?.digest || a?.carts !== b?.carts;
    })
    .sort();
}
