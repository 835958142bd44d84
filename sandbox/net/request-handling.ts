/** Around each request of a sandbox front: injected delays that `close()` can cancel, and the front's own failures. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Delays of injected latency, all cancelled by `clear()` so that a closing front leaves no timer behind. */
export class PendingDelays {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Resolves after `ms`; never, once `clear()` came first (the front is closing and ends the connection). */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Cancels every pending delay. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * Runs `serve` for one request. Its failure is a failure of the front itself: told to `onInternalError` and answered
 * with a bare 500, or, once an answer has begun, the connection is ended.
 */
export function serveGuarded(
  request: IncomingMessage,
  response: ServerResponse,
  serve: () => Promise<void>,
  onInternalError: ((error: unknown) => void) | undefined,
): void {
  serve().catch((error: unknown) => {
    // A client that hung up mid-request is not a failure of the emulator.
    if (!request.destroyed) onInternalError?.(error);
    if (!response.headersSent) response.writeHead(500).end();
    else response.destroy();
  });
}
