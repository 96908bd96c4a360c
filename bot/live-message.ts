/**
 * One Slack message that follows one operation: posted once, then edited in place with the
 * engine's progress (throttled), and finally with the ChangeSet view. A diff too long for the
 * message goes into its thread as a file.
 */
import type { ProgressEvent } from '../infra/events/model.ts';
import type { Operation } from '../infra/operations/model.ts';
import type { BotServices } from './services.ts';
import { createRedrawer } from './throttle.ts';
import { changeSetView } from './views/changeset.ts';
import { changeSetDiffText } from './views/diff-text.ts';
import type { Block } from './views/limits.ts';
import { nameOfUrn, type ProgressState, progressView } from './views/progress.ts';

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface RenderedMessage {
  text: string;
  blocks: Block[];
}

export async function postMessage(
  services: BotServices,
  channel: string,
  message: RenderedMessage,
): Promise<MessageRef> {
  const posted = await services.client.chat.postMessage({ channel, ...message });
  if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no message ts');
  return { channel: posted.channel, ts: posted.ts };
}

export async function updateMessage(
  services: BotServices,
  ref: MessageRef,
  message: RenderedMessage,
): Promise<void> {
  await services.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
}

export interface FollowOptions {
  message: MessageRef;
  operation: Operation;
  /** Lines shown under the header throughout, e.g. "Approved by @ann". */
  notes?: string[];
  /** Buttons for the finished operation, e.g. Approve / Cancel after a preview. */
  finalActions?: (finished: Operation) => Block[];
}

/** Follows the operation to its end and returns it finished. */
export async function followOperation(
  services: BotServices,
  options: FollowOptions,
): Promise<Operation> {
  const { operation, message } = options;
  const log = services.logger.child({ operation: operation.id, property: operation.property });
  const state: ProgressState = {
    operationId: operation.id,
    property: operation.property,
    kind: operation.kind,
    status: operation.status,
    done: 0,
    total: 0,
    current: null,
    notes: options.notes ?? [],
  };
  const redrawer = createRedrawer(
    () => updateMessage(services, message, progressView(state)),
    services.updateIntervalMs,
    (error) => log.warn({ err: error }, 'could not update the Slack progress message'),
  );

  const unsubscribe = services.controlPlane.subscribe((event) => {
    if (event.operationId !== operation.id) return;
    if (applyEvent(state, event)) redrawer.request();
  });
  let finished: Operation;
  try {
    redrawer.request();
    finished = await services.controlPlane.waitFor(operation.id);
  } finally {
    unsubscribe();
  }

  const view = finalView(services, finished, options);
  await redrawer.finish(() => updateMessage(services, message, view));
  if (view.truncated && finished.changeSet) await attachDiff(services, message, finished);
  return finished;
}

export function finalView(
  services: Pick<BotServices, 'dashboardUrl'>,
  finished: Operation,
  options: Pick<FollowOptions, 'notes' | 'finalActions'>,
) {
  return changeSetView({
    operation: finished,
    changeSet: finished.changeSet,
    notes: options.notes,
    actions: options.finalActions?.(finished),
    dashboardUrl: operationUrl(services, finished.id),
  });
}

export function operationUrl(
  services: Pick<BotServices, 'dashboardUrl'>,
  operationId: string,
): string | undefined {
  if (!services.dashboardUrl) return undefined;
  const base = services.dashboardUrl.replace(/\/+$/, '');
  return `${base}/operations/${encodeURIComponent(operationId)}`;
}

/** Posts the whole diff as a file in the message's thread. Best effort: the summary stands. */
export async function attachDiff(
  services: BotServices,
  message: MessageRef,
  operation: Operation,
): Promise<void> {
  if (!operation.changeSet) return;
  const title = `${operation.property} ${operation.kind} ${operation.id}`;
  try {
    await services.client.files.uploadV2({
      channel_id: message.channel,
      thread_ts: message.ts,
      filename: `${operation.property}-${operation.kind}-${operation.id}.diff.txt`,
      title: `Full diff: ${title}`,
      content: changeSetDiffText(operation.changeSet, title),
      initial_comment: 'The full diff did not fit in the message; here it is.',
    });
  } catch (error) {
    services.logger.warn(
      { err: error, operation: operation.id },
      'could not upload the full diff to Slack',
    );
  }
}

/** Folds one progress event into the state; true when the view changed. */
function applyEvent(state: ProgressState, event: ProgressEvent): boolean {
  switch (event.type) {
    case 'status':
      state.status = event.status;
      return true;
    case 'resource':
      state.status = 'running';
      state.done = event.done;
      state.total = event.total;
      state.current = {
        name: nameOfUrn(event.urn),
        type: event.resourceType,
        op: event.op,
        phase: event.phase,
      };
      return true;
    default:
      return false;
  }
}
