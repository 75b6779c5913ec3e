import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../../support/eventually';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', 'infra', 'kafka', 'kafka.sh');

/**
 * A Kafka broker of a scenario's own (infra/kafka/kafka.sh with its own ports and state
 * directory), so it can be killed without touching the broker the other suites share.
 * The script runs asynchronously: the load keeps going while the broker starts.
 */
export class OwnKafkaBroker {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    readonly stateDir: string,
  ) {}

  static async create(port = 19092, controllerPort = 19093): Promise<OwnKafkaBroker> {
    return new OwnKafkaBroker(port, controllerPort, await mkdtemp(join(tmpdir(), 'converge-fault-kafka-')));
  }

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private get pidFile(): string {
    return join(this.stateDir, `kafka-${this.port}.pid`);
  }

  private script(command: 'start' | 'stop'): Promise<unknown> {
    return run(KAFKA_SH, [command], {
      env: {
        ...process.env,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_STATE_DIR: this.stateDir,
        KAFKA_NODE_ID: '1',
      },
      timeout: 90_000,
    });
  }

  /** Starts the broker (again, on the same state after a kill) and resolves once it answers. */
  async start(): Promise<void> {
    // kafka.sh reuses whatever answers on the port: make sure that is nothing, or this is not our broker.
    if (await answers(this.port)) throw new Error(`something already answers on 127.0.0.1:${this.port}`);
    await this.script('start');
  }

  async pid(): Promise<number> {
    return Number((await readFile(this.pidFile, 'utf8')).trim());
  }

  /** SIGKILLs the broker's JVM and resolves once it is gone and its port refuses connections. */
  async kill(): Promise<void> {
    const pid = await this.pid();
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      if (alive(pid)) throw new Error(`broker pid ${pid} still runs`);
      if (await answers(this.port)) throw new Error(`port ${this.port} still answers`);
    }, 10_000);
    // The JVM was nohup'ed by kafka.sh: if nobody reaps it, a zombie keeps its pid "alive" for
    // `kill -0`, and kafka.sh would think it still runs. It is dead: forget its pid file.
    await rm(this.pidFile, { force: true });
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

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; Z is a zombie, X dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
