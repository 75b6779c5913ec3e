import { BatchLease, GroupMembership, REVOKED, revokesPartitions } from './batch-lease';

const rebalancing = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });

function lease(membership: GroupMembership, heartbeat: () => Promise<void> = async () => undefined, stale = false) {
  return new BatchLease({ membership, heartbeat, isStale: () => stale, heartbeatIntervalMs: 20, pollMs: 5 });
}

describe('revokesPartitions', () => {
  it('knows the coordinator answers that take a partition away', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']) {
      expect(revokesPartitions({ type })).toBe(true);
    }
    expect(revokesPartitions({ type: 'REQUEST_TIMED_OUT' })).toBe(false);
    expect(revokesPartitions(new Error('connection refused'))).toBe(false);
    expect(revokesPartitions(undefined)).toBe(false);
  });
});

describe('BatchLease', () => {
  it('is lost by every batch of the generation once one heartbeat reports a rebalance', async () => {
    const membership = new GroupMembership();
    membership.joined();
    const failing = lease(membership, () => Promise.reject(rebalancing));
    const other = lease(membership);
    await expect(failing.heartbeat()).rejects.toBe(rebalancing);
    expect(failing.held).toBe(false);
    expect(other.lostBecause).toBe(rebalancing);
  });

  it('is not lost by a heartbeat that merely failed', async () => {
    const membership = new GroupMembership();
    const held = lease(membership, () => Promise.reject(new Error('connection closed')));
    await expect(held.heartbeat()).rejects.toThrow('connection closed');
    expect(held.held).toBe(true);
  });

  it('belongs to its generation: a batch of the next one holds, the old one stays lost', async () => {
    const membership = new GroupMembership();
    const old = lease(membership, () => Promise.reject(rebalancing));
    await old.heartbeat().catch(() => undefined);
    membership.joined();
    expect(old.held).toBe(false);
    expect(lease(membership).held).toBe(true);
  });

  it('is lost once the partition was sought elsewhere', () => {
    expect(lease(new GroupMembership(), undefined, true).held).toBe(false);
  });

  it('stops waiting for work that outlives it, and ignores how that work ends', async () => {
    const membership = new GroupMembership();
    const held = lease(membership);
    let fail: (error: Error) => void = () => undefined;
    const hung = new Promise<void>((_, reject) => (fail = reject));
    const waited = held.whileHeld(hung);
    membership.revoke(rebalancing);
    await expect(waited).resolves.toBe(REVOKED);
    fail(new Error('statement timeout'));
  });

  it("hands back the work's result while it holds", async () => {
    await expect(lease(new GroupMembership()).whileHeld(Promise.resolve(7))).resolves.toBe(7);
    await expect(lease(new GroupMembership()).whileHeld(Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  it('heartbeats in the background while work is slow, until stopped', async () => {
    let beats = 0;
    const held = lease(new GroupMembership(), async () => void beats++);
    const stop = held.keepAlive();
    await held.sleep(110);
    stop();
    const after = beats;
    expect(after).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(beats).toBe(after);
  });
});
