/** The in-process bus that carries operation progress to API streams and Slack updates. */
import type { Logger } from 'pino';
import type { ProgressEvent, ProgressListener } from './model.ts';

export class ProgressBus {
  readonly #listeners = new Set<ProgressListener>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ProgressEvent): void {
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
