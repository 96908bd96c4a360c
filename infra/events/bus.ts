/**
 * The in-process bus that carries operation progress to API streams and Slack updates. With
 * replicas, what is emitted here is also forwarded to the others, and what they forward is
 * delivered here (see pg-relay.ts).
 */
import type { Logger } from 'pino';
import type { ProgressEvent, ProgressListener } from './model.ts';

export class ProgressBus {
  readonly #listeners = new Set<ProgressListener>();
  readonly #logger: Logger;
  #forward: ((event: ProgressEvent) => void) | null = null;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends every event emitted from now on to other replicas too. */
  forwardTo(forward: (event: ProgressEvent) => void): void {
    this.#forward = forward;
  }

  /** An event of this process: to local listeners and, with replicas, to the others. */
  emit(event: ProgressEvent): void {
    this.deliver(event);
    this.#forward?.(event);
  }

  /** An event to local listeners only (one that came from another replica). */
  deliver(event: ProgressEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber (a closed stream) must not stop the others or the operation.
        this.#logger.warn({ err: error, event: event.type }, 'progress listener failed');
      }
    }
  }
}
