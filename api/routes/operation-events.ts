/**
 * The Server-Sent Events stream of one operation: the current status first (so a late client
 * sees where things stand), then every progress event as it happens, then a `finished` event
 * carrying the operation and its ChangeSet, and the stream closes.
 */
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { ControlPlaneApi } from '../../infra/control-plane-api.ts';
import type { ProgressEvent } from '../../infra/events/model.ts';
import { isFinished, type Operation } from '../../infra/operations/model.ts';
import type { ApiEnv } from '../env.ts';

export interface EventStreamOptions {
  controlPlane: ControlPlaneApi;
  operation: Operation;
  keepAliveMs: number;
}

/** How long a browser waits before reconnecting after the connection drops. */
const RETRY_MS = 3000;

export function operationEventStream(c: Context<ApiEnv>, options: EventStreamOptions): Response {
  const { controlPlane, keepAliveMs } = options;
  const id = options.operation.id;
  const log = c.var.log;

  return streamSSE(c, async (stream) => {
    // Subscribe before reading the status, so nothing between the two is lost.
    const pending: ProgressEvent[] = [];
    let wake: (() => void) | null = null;
    let closed = false;
    const unsubscribe = controlPlane.subscribe((event) => {
      if (event.operationId !== id) return;
      pending.push(event);
      wake?.();
    });
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    const keepAlive = setInterval(() => {
      stream.write(': keep-alive\n\n').catch(() => {});
      // A finish announced while this replica's relay was reconnecting would be missed; the
      // stored row is the fallback.
      void controlPlane
        .getOperation(id)
        .then((operation) => {
          if (!operation || !isFinished(operation.status)) return;
          pending.push({
            type: 'finished',
            operationId: id,
            property: operation.property,
            operation,
          });
          wake?.();
        })
        .catch(() => {});
    }, keepAliveMs);
    let seq = 0;
    const send = (event: string, data: unknown) =>
      stream.writeSSE({ event, id: String(++seq), data: JSON.stringify(data) });

    try {
      const current = (await controlPlane.getOperation(id)) ?? options.operation;
      await stream.writeSSE({
        event: 'status',
        id: String(++seq),
        retry: RETRY_MS,
        data: JSON.stringify(statusReplay(current)),
      });
      if (isFinished(current.status)) {
        await send('finished', finishedData(current));
        return;
      }

      while (!closed) {
        const event = pending.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
          continue;
        }
        if (event.type === 'finished') {
          await send('finished', finishedData(event.operation));
          return;
        }
        await send(event.type, event);
      }
    } catch (error) {
      // Never the error's text: it may be internal. The log has it, under the request id.
      log.error({ err: error, operation: id }, 'event stream failed');
      await writeQuietly(stream, 'error', { message: 'The event stream failed; reload to retry' });
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
    }
  });
}

function statusReplay(operation: Operation) {
  return {
    type: 'status' as const,
    operationId: operation.id,
    property: operation.property,
    status: operation.status,
    operation,
  };
}

function finishedData(operation: Operation) {
  return {
    type: 'finished' as const,
    operationId: operation.id,
    property: operation.property,
    status: operation.status,
    changeSet: operation.changeSet,
    operation,
  };
}

async function writeQuietly(stream: SSEStreamingApi, event: string, data: unknown) {
  try {
    await stream.writeSSE({ event, data: JSON.stringify(data) });
  } catch {
    // The client is gone; nothing left to tell it.
  }
}
