/**
 * The time between a stop signal and closing the server: readiness already answers 503 (so a
 * load balancer stops routing here) and every answer says `Connection: close`, while requests
 * already on their way, over connections the client holds open, are still served. Closing at once
 * would reset a request sent on an idle keep-alive connection in the same instant.
 * One per process, like the signal it answers.
 */
class ShutdownDrain {
  private startedAt?: number;

  begin(): void {
    this.startedAt ??= Date.now();
  }

  get active(): boolean {
    return this.startedAt !== undefined;
  }
}

export const shutdownDrain = new ShutdownDrain();
