import { BatchLease, GroupMembership, REVOKED, revokesPartitions } from './batch-lease';

const rebalancing = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
const expelled = Object.assign(new Error('The coordinator is not aware of this member'), { type: 'UNKNOWN_MEMBER_ID' });

function lease(membership: GroupMembership, heartbeat: () => Promise<void> = async () => undefined, stale = false) {
  return new BatchLease({
    membership,
    heartbeat,
    isStale: () => stale,
    heartbeatIntervalMs: 20,
    drainMs: 40,
    pollMs: 5,
  });
}

const settled = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

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

  it('stops waiting for work that outlives its drain, and ignores how that work ends', async () => {
    const membership = new GroupMembership();
    const held = lease(membership);
    let fail: (error: Error) => void = () => undefined;
    const hung = new Promise<void>((_, reject) => (fail = reject));
    const waited = held.whileHeld(hung);
    membership.revoke(rebalancing);
    await expect(waited).resolves.toBe(REVOKED);
    fail(new Error('statement timeout'));
  });

  it('lets work in flight at an announced rebalance finish, and keeps it committable until the member rejoins', async () => {
    const membership = new GroupMembership();
    const running = lease(membership);
    const waited = running.whileHeld(settled('applied', 15));
    membership.revoke(rebalancing);
    await expect(waited).resolves.toBe('applied');
    expect(running.held).toBe(false);
    expect(running.committable).toBe(true);
    membership.joined();
    expect(running.committable).toBe(false);
  });

  it('gives work up at once, uncommittable, when the member was expelled', async () => {
    const membership = new GroupMembership();
    const running = lease(membership);
    membership.revoke(expelled);
    await expect(running.whileHeld(settled('applied', 15))).resolves.toBe(REVOKED);
    expect(running.committable).toBe(false);
  });

  it('is not committable once the partition was sought elsewhere', () => {
    expect(lease(new GroupMembership(), undefined, true).committable).toBe(false);
  });

  it('cuts a retry wait short as soon as a rebalance is announced', async () => {
    const membership = new GroupMembership();
    const waiting = lease(membership);
    const began = Date.now();
    const slept = waiting.sleep(5000);
    membership.revoke(rebalancing);
    await slept;
    expect(Date.now() - began).toBeLessThan(1000);
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
