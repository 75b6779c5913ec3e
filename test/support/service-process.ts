import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually } from './eventually';

export type ServiceName = 'cart' | 'cart-query' | 'studio';

const PORT_VARIABLE: Record<ServiceName, string> = {
  cart: 'CART_PORT',
  'cart-query': 'CART_QUERY_PORT',
  studio: 'STUDIO_PORT',
};
const root = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** One built service running as its own OS process, so tests can SIGTERM or SIGKILL it. */
export class ServiceProcess {
  private output = '';

  private constructor(
    readonly name: ServiceName,
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /**
   * NODE_ARGS in `env` go to node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses);
   * CONVERGE_DIST runs another build (a benchmark comparing two revisions).
   */
  static spawn(name: ServiceName, env: Record<string, string>, port: number): ServiceProcess {
    const nodeArgs = env.NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const dist = env.CONVERGE_DIST ?? join(root, 'dist');
    const child = spawn(process.execPath, [...nodeArgs, join(dist, 'apps', name, 'main.js')], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, [PORT_VARIABLE[name]]: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, `http://127.0.0.1:${port}`, child);
  }

  /** Starts the service and resolves once it reports ready (database and Kafka answer). */
  static async start(name: ServiceName, env: Record<string, string>, port?: number): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(name, env, port ?? (await freePort()));
    await service.ready();
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get logs(): string {
    return this.output;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  // Generous: on a loaded 2-core machine a service joining a consumer group can take half a minute.
  async ready(timeoutMs = 60000): Promise<void> {
    const exit = once(this.child, 'exit').then(() => {
      throw new Error(`${this.name} exited before it was ready:\n${this.output}`);
    });
    const ready = eventually(async () => {
      const response = await fetch(`${this.url}/health/ready`);
      if (response.status !== 200) throw new Error(`ready answered ${response.status}`);
    }, timeoutMs);
    await Promise.race([ready, exit]);
    exit.catch(() => undefined);
  }

  /** Sends the signal and resolves with the exit code once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    await exited;
    return this.child.exitCode;
  }

  async waitForExit(): Promise<number | null> {
    if (!this.exited) await once(this.child, 'exit');
    return this.child.exitCode;
  }
}
