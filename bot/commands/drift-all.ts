/**
 * `/blkshp drift all`: one drift check per property, reported in one message with a line per
 * property that changes as each check finishes.
 */
import { changedResources } from '../../infra/changes/model.ts';
import type { Operation } from '../../infra/operations/model.ts';
import { type MessageRef, updateMessage } from '../live-message.ts';
import { actorOf, audit } from '../services.ts';
import { createRedrawer } from '../throttle.ts';
import { type Block, context, escapeMrkdwn, header, sectionsOf } from '../views/limits.ts';
import { type CommandContext, mention, postInChannel } from './context.ts';

type Line = { slug: string; state: string };

export async function driftAll(ctx: CommandContext): Promise<void> {
  const { services, requester } = ctx;
  const properties = await services.controlPlane.listProperties();
  if (properties.length === 0) return ctx.reply('There are no properties to check.');

  const lines: Line[] = [];
  const waits: Array<Promise<void>> = [];
  const render = () => view(lines, requester.userId);
  // The message is posted after the checks are queued; redraws before that have nothing to do.
  let message: MessageRef | null = null;
  const redrawer = createRedrawer(
    async () => {
      if (message) await updateMessage(services, message, render());
    },
    services.updateIntervalMs,
    (error) => services.logger.warn({ err: error }, 'could not update the drift message'),
  );

  for (const { spec } of properties) {
    const result = await services.controlPlane.driftCheck(spec.slug, actorOf(requester));
    await audit(services, requester, {
      action: 'drift',
      property: spec.slug,
      operationId: result.accepted ? result.operation.id : null,
      result: result.accepted ? 'accepted' : 'refused',
      detail: result.accepted ? 'drift all' : `${result.code}: ${result.reason}`,
    });
    const line: Line = {
      slug: spec.slug,
      state: result.accepted ? '⏳ queued' : `⏭ ${result.reason}`,
    };
    lines.push(line);
    if (result.accepted) {
      waits.push(
        services.controlPlane.waitFor(result.operation.id).then((finished) => {
          line.state = outcome(finished);
          redrawer.request();
        }),
      );
    }
  }

  message = await postInChannel(ctx, render());
  await Promise.allSettled(waits);
  const posted = message;
  if (posted) await redrawer.finish(() => updateMessage(services, posted, render()));
}

function outcome(finished: Operation): string {
  if (finished.status !== 'succeeded')
    return `❌ ${finished.status}${finished.error ? `: ${finished.error}` : ''}`;
  const changed = finished.changeSet ? changedResources(finished.changeSet).length : 0;
  return changed === 0 ? '✅ in sync' : `⚠️ drifted: ${changed} resource(s) differ`;
}

function view(lines: Line[], userId: string): { text: string; blocks: Block[] } {
  const done = lines.filter((l) => !l.state.startsWith('⏳')).length;
  return {
    text: `Drift check of ${lines.length} properties: ${done} done`,
    blocks: [
      header(`Drift check: ${done} of ${lines.length} done`),
      ...sectionsOf(
        lines.map((l) => `*${escapeMrkdwn(l.slug)}*: ${escapeMrkdwn(l.state)}`),
        9000,
      ),
      context(`Requested by ${mention(userId)} · \`/blkshp drift <property>\` shows one in full`),
    ],
  };
}
