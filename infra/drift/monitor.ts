/**
 * Records every finished drift check in the history and notifies on change only. It listens to
 * the control plane's progress bus; results of one property are handled one at a time, in the
 * order their checks finished, so each is compared with the one before it.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ControlPlaneApi } from '../control-plane-api.ts';
import type { Operation } from '../operations/model.ts';
import { isFinished } from '../operations/model.ts';
import type { Repository } from '../storage/repository.ts';
import type { DriftNotification, DriftNotifier, DriftResult } from './model.ts';
import { driftResultOf, driftTransition } from './results.ts';

export type MonitorControlPlane = Pick<
  ControlPlaneApi,
  'subscribe' | 'listProperties' | 'listOperations' | 'audit'
>;

export type MonitorRepository = Pick<
  Repository,
  'insertDriftResult' | 'listDriftResults' | 'getDriftIgnore'
>;

export interface DriftMonitorOptions {
  controlPlane: MonitorControlPlane;
  repo: MonitorRepository;
  notifiers: DriftNotifier[];
  logger: Logger;
  now?: () => Date;
}

// Enough history to find the last announced and the last working check behind a run of
// failures or ignored results.
const HISTORY_DEPTH = 50;

export class DriftMonitor {
  readonly #options: DriftMonitorOptions;
  readonly #logger: Logger;
  readonly #chains = new Map<string, Promise<void>>();
  #unsubscribe: () => void = () => {};

  private constructor(options: DriftMonitorOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'drift-monitor' });
  }

  /**
   * Subscribes, then records the latest finished check of each property that a stopped process
   * did not record (a check finishing while the service was down is not lost).
   */
  static async start(options: DriftMonitorOptions): Promise<DriftMonitor> {
    const monitor = new DriftMonitor(options);
    monitor.#unsubscribe = options.controlPlane.subscribe((event) => {
      if (event.type === 'finished' && event.operation.kind === 'drift-check') {
        monitor.handle(event.operation);
      }
    });
    await monitor.#catchUp();
    return monitor;
  }

  /** Queues one finished drift check for recording; returns at once. */
  handle(operation: Operation): void {
    const slug = operation.property;
    const previous = this.#chains.get(slug) ?? Promise.resolve();
    const next = previous
      .then(() => this.#record(operation))
      .catch((error: unknown) => {
        this.#logger.error({ err: error, operation: operation.id }, 'drift result not recorded');
      });
    this.#chains.set(slug, next);
    void next.finally(() => {
      if (this.#chains.get(slug) === next) this.#chains.delete(slug);
    });
  }

  /** Resolves when every result handed over so far is recorded and its notifications sent. */
  async idle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.allSettled([...this.#chains.values()]);
  }

  async stop(): Promise<void> {
    this.#unsubscribe();
    await this.idle();
  }

  async #catchUp(): Promise<void> {
    const { controlPlane } = this.#options;
    for (const property of await controlPlane.listProperties()) {
      const [latest] = await controlPlane.listOperations({
        property: property.spec.slug,
        kind: 'drift-check',
        limit: 1,
      });
      if (latest && isFinished(latest.status)) this.handle(latest);
    }
  }

  async #record(operation: Operation): Promise<void> {
    const { repo } = this.#options;
    const now = (this.#options.now ?? (() => new Date()))();
    const ignore = await repo.getDriftIgnore(operation.property);
    const suppressed = ignore !== null && Date.parse(ignore.until) > now.getTime();
    const history = await repo.listDriftResults({
      property: operation.property,
      limit: HISTORY_DEPTH,
    });
    const candidate = driftResultOf(operation, suppressed);
    if (!candidate) return;
    const result = await repo.insertDriftResult(candidate);
    if (!result) return; // recorded before (catch-up after a restart)

    const transition = driftTransition(result, history);
    this.#logger.info(
      { property: result.property, status: result.status, transition: transition?.type },
      'drift result recorded',
    );
    if (!transition) return;
    if (suppressed) {
      await this.#audit(
        result,
        'drift.suppressed',
        transition.type,
        `ignored until ${ignore?.until}`,
      );
      return;
    }
    const event: DriftNotification = {
      id: randomUUID(),
      type: transition.type,
      property: result.property,
      operationId: result.operationId,
      checkedAt: result.checkedAt,
      status: result.status,
      previousStatus: transition.previousStatus,
      resources: result.resources,
      error: result.error,
    };
    await Promise.all(
      this.#options.notifiers.map((notifier) =>
        notifier.notify(event).catch((error: unknown) => {
          this.#logger.warn({ err: error, notifier: notifier.name }, 'drift notifier failed');
        }),
      ),
    );
    const names = this.#options.notifiers.map((n) => n.name).join(', ') || 'none';
    await this.#audit(result, 'drift.notified', event.type, `notified: ${names}`);
  }

  async #audit(result: DriftResult, action: string, outcome: string, detail: string) {
    try {
      await this.#options.controlPlane.audit({
        actor: 'schedule',
        channel: 'schedule',
        action,
        property: result.property,
        operationId: result.operationId,
        result: outcome,
        detail,
      });
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not audit a drift notification');
    }
  }
}
