import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../../support/eventually';

const execute = promisify(execFile);
const KAFKA_INFRA = join(__dirname, '..', '..', '..', 'infra', 'kafka');

/** Runs a script of infra/kafka (kafka.sh, kafka-cluster.sh): its stdout; rejects with its output if it fails. */
export async function runKafkaScript(script: string, args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await execute(join(KAFKA_INFRA, script), args, {
    env: { ...process.env, ...env },
    timeout: 90_000,
  });
  return stdout;
}

/**
 * One Kafka node (a JVM that kafka.sh started) as the scenarios kill it: by the pid kafka.sh
 * left in `<state>/kafka-<port>.pid`, never by a name, so no one else's broker is touched.
 */
export class KafkaNode {
  constructor(
    readonly id: number,
    readonly port: number,
    private readonly stateDir: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  private get pidFile(): string {
    return join(this.stateDir, `kafka-${this.port}.pid`);
  }

  /** The pid kafka.sh recorded for the node's JVM. */
  async pid(): Promise<number> {
    const pid = Number((await readFile(this.pidFile, 'utf8')).trim());
    // 0 or less would signal a whole process group.
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${this.pidFile} holds no pid`);
    return pid;
  }

  answers(): Promise<boolean> {
    return answers(this.port);
  }

  /**
   * SIGSTOPs the node's JVM: its connections stay open but it answers nothing and stops
   * heartbeating to the controller, so requests sent to it are held in flight until it is killed.
   */
  async suspend(): Promise<void> {
    const pid = await this.pid();
    if (!this.runs(pid)) throw new Error(`pid ${pid} is not Kafka node ${this.id}'s JVM`);
    process.kill(pid, 'SIGSTOP');
  }

  /**
   * SIGKILLs the node's JVM and resolves once it is gone and its port refuses connections.
   * With `ifRunning`, a node that is not running (no pid file, or its JVM gone) is left as it is.
   */
  async kill({ ifRunning = false } = {}): Promise<void> {
    const pid = ifRunning ? await this.pid().catch(() => undefined) : await this.pid();
    if (pid === undefined || (ifRunning && !(alive(pid) && this.runs(pid)))) return;
    // A pid is reused once its process is gone: signal it only while it still runs this node.
    if (!this.runs(pid)) throw new Error(`pid ${pid} is not Kafka node ${this.id}'s JVM`);
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      if (alive(pid)) throw new Error(`Kafka node ${this.id} (pid ${pid}) still runs`);
      if (await this.answers()) throw new Error(`port ${this.port} still answers`);
    }, 10_000);
    // The JVM was nohup'ed by kafka.sh: if nobody reaps it, a zombie keeps its pid "alive" for
    // `kill -0`, and kafka.sh would think it still runs. It is dead: forget its pid file.
    await rm(this.pidFile, { force: true });
  }

  /** The process was started on this node's configuration (kafka.sh's `<state>/server-<port>.properties`). */
  private runs(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(
        join(this.stateDir, `server-${this.port}.properties`),
      );
    } catch {
      return false;
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
