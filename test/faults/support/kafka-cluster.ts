import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaNode, runKafkaScript } from './kafka-node';

/**
 * A three-node Kafka cluster of a scenario's own (infra/kafka/kafka-cluster.sh: each node a
 * broker and a controller voter; 3 replicas, min.insync.replicas 2) on consecutive ports from
 * `firstPort`, in a temporary state directory, so one node can be killed and restarted on its
 * state without touching the broker the other suites share.
 */
export class KafkaCluster {
  private constructor(
    readonly nodes: KafkaNode[],
    private readonly env: Record<string, string>,
    private readonly stateDir: string,
  ) {}

  static async create(firstPort = 19192): Promise<KafkaCluster> {
    const stateDir = await mkdtemp(join(tmpdir(), 'converge-fault-kafka-cluster-'));
    const env = { KAFKA_CLUSTER_PORT: String(firstPort), KAFKA_CLUSTER_STATE_DIR: stateDir };
    // The script owns the layout (which node listens where); it lists the nodes in id order.
    const addresses = (await runKafkaScript('kafka-cluster.sh', ['bootstrap'], env)).trim().split(',');
    const nodes = addresses.map((address, i) => new KafkaNode(i + 1, Number(address.split(':')[1]), stateDir));
    return new KafkaCluster(nodes, env, stateDir);
  }

  /** The bootstrap list: every node, so clients find the cluster whichever node is down. */
  get brokers(): string {
    return this.nodes.map((node) => node.address).join(',');
  }

  node(id: number): KafkaNode {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (!node) throw new Error(`no Kafka node ${id} in the cluster`);
    return node;
  }

  /** Starts every node and resolves once each has joined the quorum and answers. */
  async start(): Promise<void> {
    // kafka.sh reuses whatever answers on a port: make sure that is nothing, or it is not our cluster.
    await Promise.all(this.nodes.map((node) => this.refuseTaken(node)));
    await runKafkaScript('kafka-cluster.sh', ['up'], this.env);
  }

  /** Starts a killed node again on its state; resolves once it has rejoined and answers. */
  async restart(node: KafkaNode): Promise<void> {
    await this.refuseTaken(node);
    await runKafkaScript('kafka-cluster.sh', ['start', String(node.id)], this.env);
  }

  /** Stops whichever nodes run and deletes the cluster's state. */
  async destroy(): Promise<void> {
    try {
      // SIGKILL, not a graceful stop: the state is deleted next, and the last node to stop gracefully
      // waits seconds for a quorum that is gone. `down` then stops any node started but not recorded.
      await Promise.all(this.nodes.map((node) => node.kill({ ifRunning: true })));
      await runKafkaScript('kafka-cluster.sh', ['down'], this.env);
    } finally {
      await rm(this.stateDir, { recursive: true, force: true });
    }
  }

  private async refuseTaken(node: KafkaNode): Promise<void> {
    if (await node.answers()) throw new Error(`something already answers on ${node.address}`);
  }
}
