import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaNode, runKafkaScript } from './kafka-node';

/**
 * A Kafka broker of a scenario's own (infra/kafka/kafka.sh with its own ports and state
 * directory), so it can be killed without touching the broker the other suites share.
 * The script runs asynchronously: the load keeps going while the broker starts.
 */
export class OwnKafkaBroker {
  private readonly node: KafkaNode;

  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    readonly stateDir: string,
  ) {
    this.node = new KafkaNode(1, port, stateDir);
  }

  static async create(port = 19092, controllerPort = 19093): Promise<OwnKafkaBroker> {
    return new OwnKafkaBroker(port, controllerPort, await mkdtemp(join(tmpdir(), 'converge-fault-kafka-')));
  }

  get brokers(): string {
    return this.node.address;
  }

  private script(command: 'start' | 'stop'): Promise<string> {
    return runKafkaScript('kafka.sh', [command], {
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_STATE_DIR: this.stateDir,
      KAFKA_NODE_ID: String(this.node.id),
    });
  }

  /** Starts the broker (again, on the same state after a kill) and resolves once it answers. */
  async start(): Promise<void> {
    // kafka.sh reuses whatever answers on the port: make sure that is nothing, or this is not our broker.
    if (await this.node.answers()) throw new Error(`something already answers on ${this.brokers}`);
    await this.script('start');
  }

  pid(): Promise<number> {
    return this.node.pid();
  }

  /** SIGKILLs the broker's JVM and resolves once it is gone and its port refuses connections. */
  kill(): Promise<void> {
    return this.node.kill();
  }

  /** Stops the broker if it runs and deletes its state. */
  async destroy(): Promise<void> {
    try {
      await this.script('stop');
    } finally {
      await rm(this.stateDir, { recursive: true, force: true });
    }
  }
}
