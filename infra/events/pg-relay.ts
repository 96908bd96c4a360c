/**
 * Carries progress events and cancel requests between replicas over Postgres LISTEN/NOTIFY, so
 * an API stream or a Slack message on one replica follows an operation running on another.
 *
 * Postgres caps a notification at 8000 bytes: a finished event travels as a reference (the
 * receiver reads the operation's row) and a long log line is cut. Publishes go through one
 * connection in order, so a replica sees another's events in the order they were emitted.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Operation } from '../operations/model.ts';
import type { ProgressEvent } from './model.ts';

export const RELAY_CHANNEL = 'blkshp_events';
const MAX_LOG_LINE = 2000;
const RECONNECT_MS = 1000;

/** A progress event as it travels: `finished` carries no operation. */
export type WireEvent =
  | Exclude<ProgressEvent, { type: 'finished' }>
  | { type: 'finished'; operationId: string; property: string };

export type RelayMessage =
  | { kind: 'progress'; event: WireEvent }
  | { kind: 'cancel'; operationId: string };

interface Envelope {
  origin: string;
  message: RelayMessage;
}

export interface PgRelayOptions {
  url: string;
  /** This replica's name: its own messages are not delivered back to it. */
  origin: string;
  logger: Logger;
  onMessage: (message: RelayMessage) => void;
}

export class PgRelay {
  readonly #options: PgRelayOptions;
  readonly #logger: Logger;
  readonly #publisher: pg.Pool;
  #listener: pg.Client | null = null;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(options: PgRelayOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'event-relay' });
    this.#publisher = new pg.Pool({ connectionString: options.url, max: 1 });
    this.#publisher.on('error', (error) => this.#logger.warn({ err: error }, 'relay pool error'));
  }

  /** Connects and listens before returning, so nothing published after start is missed. */
  static async start(options: PgRelayOptions): Promise<PgRelay> {
    const relay = new PgRelay(options);
    await relay.#listen();
    return relay;
  }

  /** Sends to every other replica; in order, and never throws (a lost event is logged). */
  publish(message: RelayMessage): Promise<void> {
    const payload = JSON.stringify({ origin: this.#options.origin, message } satisfies Envelope);
    this.#chain = this.#chain
      .then(async () => {
        if (this.#closed) return;
        await this.#publisher.query('SELECT pg_notify($1, $2)', [RELAY_CHANNEL, payload]);
      })
      .catch((error: unknown) => {
        this.#logger.warn({ err: error, kind: message.kind }, 'could not relay an event');
      });
    return this.#chain;
  }

  async close(): Promise<void> {
    await this.#chain;
    this.#closed = true;
    const listener = this.#listener;
    this.#listener = null;
    await listener?.end().catch(() => undefined);
    await this.#publisher.end();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.url });
    client.on('notification', (notification) => this.#receive(notification.payload));
    client.on('error', (error) => {
      this.#logger.warn({ err: error }, 'relay listener lost its connection; reconnecting');
      void client.end().catch(() => undefined);
      this.#reconnectSoon();
    });
    await client.connect();
    await client.query(`LISTEN ${RELAY_CHANNEL}`);
    this.#listener = client;
  }

  #reconnectSoon(): void {
    if (this.#closed) return;
    this.#listener = null;
    setTimeout(() => {
      if (this.#closed) return;
      this.#listen().catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'relay reconnect failed; trying again');
        this.#reconnectSoon();
      });
    }, RECONNECT_MS).unref();
  }

  #receive(payload: string | undefined): void {
    if (!payload) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.#logger.warn('ignoring an unreadable relay message');
      return;
    }
    if (envelope.origin === this.#options.origin) return;
    try {
      this.#options.onMessage(envelope.message);
    } catch (error) {
      this.#logger.warn({ err: error }, 'relay message handler failed');
    }
  }
}

/** The event as it can travel: small enough for one notification. */
export function toWire(event: ProgressEvent): WireEvent {
  if (event.type === 'finished') {
    return { type: 'finished', operationId: event.operationId, property: event.property };
  }
  if (event.type === 'log' && event.line.length > MAX_LOG_LINE) {
    return { ...event, line: `${event.line.slice(0, MAX_LOG_LINE)}...` };
  }
  return event;
}

/** Back to a full event; a finished event reads its operation (null if it is gone). */
export async function fromWire(
  event: WireEvent,
  getOperation: (id: string) => Promise<Operation | null>,
): Promise<ProgressEvent | null> {
  if (event.type !== 'finished') return event;
  const operation = await getOperation(event.operationId);
  return operation ? { ...event, operation } : null;
}
