/**
 * What the buttons on a drift notification do, for the bot (and the API or CLI) to call.
 */
import type { Actor, ControlPlaneApi, EnqueueResult } from '../control-plane-api.ts';
import { invalidInput } from '../errors.ts';
import type { DriftIgnore, Repository } from '../storage/repository.ts';
import type { DriftResult } from './model.ts';
import { DRIFT_IGNORE_DAYS } from './slack-blocks.ts';

/**
 * Remediate: a refresh takes the cloud's current state into the stack (it changes no resource),
 * then a preview shows what an apply would change to restore the spec. The preview then goes
 * through the normal approval flow (`apply(previewId)`). Without the refresh, the preview would
 * compare the program with stale state and find nothing to do. Both are queued at once: the
 * queue runs one operation per stack, oldest first, so the preview runs after the refresh.
 */
export async function remediateDrift(
  controlPlane: Pick<ControlPlaneApi, 'refresh' | 'preview' | 'audit'>,
  slug: string,
  actor: Actor,
): Promise<{ refresh: EnqueueResult; preview: EnqueueResult }> {
  const refresh = await controlPlane.refresh(slug, actor);
  if (!refresh.accepted && refresh.code === 'not-found') return { refresh, preview: refresh };
  const preview = await controlPlane.preview(slug, actor);
  await controlPlane.audit({
    actor: actor.id,
    channel: actor.channel,
    action: 'drift.remediate',
    property: slug,
    operationId: preview.accepted ? preview.operation.id : null,
    result: preview.accepted ? 'preview queued' : `refused: ${preview.code}`,
    detail: null,
  });
  return { refresh, preview };
}

/** Ignore: no drift notifications for this property until `days` from now. */
export async function ignoreDrift(
  deps: {
    repo: Pick<Repository, 'setDriftIgnore' | 'getProperty'>;
    controlPlane: Pick<ControlPlaneApi, 'audit'>;
  },
  slug: string,
  days: number,
  actor: Actor,
  now: Date = new Date(),
): Promise<DriftIgnore> {
  if (!DRIFT_IGNORE_DAYS.some((d) => d === days)) {
    throw invalidInput('Drift can be ignored for 1, 7 or 30 days', [
      { field: 'days', message: `choose one of ${DRIFT_IGNORE_DAYS.join(', ')}` },
    ]);
  }
  if (!(await deps.repo.getProperty(slug))) {
    throw invalidInput(`There is no property named ${slug}`, [
      { field: 'slug', message: 'no such property' },
    ]);
  }
  const ignore: DriftIgnore = {
    property: slug,
    until: new Date(now.getTime() + days * 86_400_000).toISOString(),
    actor: actor.id,
    createdAt: now.toISOString(),
  };
  await deps.repo.setDriftIgnore(ignore);
  await deps.controlPlane.audit({
    actor: actor.id,
    channel: actor.channel,
    action: 'drift.ignore',
    property: slug,
    operationId: null,
    result: `ignored until ${ignore.until}`,
    detail: null,
  });
  return ignore;
}

/** A property's drift history, newest first, for the dashboard timeline and `status`. */
export function driftTimeline(
  repo: Pick<Repository, 'listDriftResults'>,
  slug: string,
  options: { since?: string; limit?: number } = {},
): Promise<DriftResult[]> {
  return repo.listDriftResults({ property: slug, limit: options.limit ?? 100, ...options });
}
