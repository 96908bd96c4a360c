import type { EngineEvent, OutputMap, PulumiFn, Stack } from '@pulumi/pulumi/automation/index.js';
import type { Logger } from 'pino';
import { ChangeSetBuilder } from '../changes/builder.ts';
import type { ChangeSetKind, CostDelta } from '../changes/model.ts';
import { Redactor } from '../changes/redact.ts';
import type { ProgressEvent } from '../events/model.ts';
import type { PropertySpec } from '../properties/spec.ts';
import type { Engine } from '../pulumi/engine.ts';
import { protectedResources, unprotectAll } from '../pulumi/protection.ts';
import { openStack, type StackEnvironment, saveStackSettings } from '../pulumi/workspace.ts';
import { syncStackConfig } from '../stacks/config.ts';
import type { StackSecrets } from '../stacks/secrets.ts';
import type { Repository, StoredProperty } from '../storage/repository.ts';
import { compareChangeSets } from './compare.ts';
import { estimateFor, specHash } from './costs.ts';
import { fingerprintOf, joinFingerprint, splitFingerprint, stateHash } from './fingerprint.ts';
import type { Operation } from './model.ts';
import type { OperationOutcome, RunOperation } from './queue.ts';
import { recoverStack } from './recover.ts';
import { isDestroyPreview } from './summaries.ts';

export interface ExecutorDeps {
  repo: Repository;
  /** The engine environment for one property (sandbox or real cloud). */
  stackEnvironment: (property: StoredProperty) => Promise<StackEnvironment>;
  program: (spec: PropertySpec, secrets: StackSecrets) => PulumiFn;
  /** The CrossGuard pack run on every preview and update; null disables it. */
  policyPackDir: string | null;
  emit: (event: ProgressEvent) => void;
  logger: Logger;
}

interface RunContext {
  operation: Operation;
  property: StoredProperty;
  stack: Stack;
  secrets: StackSecrets;
  configHash: string;
  redactor: Redactor;
  signal: AbortSignal;
  logger: Logger;
  engine: Engine;
  /** Resources an interrupted run was creating: they may exist in the cloud as orphans. */
  pendingCreates: string[];
  /** The ChangeSet being built, so a failed run still reports what the engine found. */
  builder?: ChangeSetBuilder;
}

export function createExecutor(deps: ExecutorDeps): RunOperation {
  return async (operation, signal, { recoverStack: mustRecover }) => {
    const logger = deps.logger.child({
      operation: operation.id,
      property: operation.property,
      actor: operation.actor,
      channel: operation.channel,
      kind: operation.kind,
    });
    const property = await deps.repo.getProperty(operation.property);
    if (!property) return { status: 'failed', error: `Property ${operation.property} is gone.` };

    logger.debug('opening stack');
    const env = await deps.stackEnvironment(property);
    const stack = await openStack(env, property.slug, deps.program(property.spec, placeholder()), {
      logger,
    });
    const recovery = mustRecover ? await recoverStack(stack, logger) : { pendingCreates: [] };
    const { secrets, configHash } = await syncStackConfig(stack, property.spec);
    await saveStackSettings(env, stack);
    // The inline program is rebuilt with the real secrets now that the stack holds them.
    stack.workspace.program = deps.program(property.spec, secrets);
    const redactor = new Redactor(Object.values(secrets));
    const ctx: RunContext = {
      operation,
      property,
      stack,
      secrets,
      configHash,
      redactor,
      signal,
      logger,
      engine: env.engine,
      pendingCreates: recovery.pendingCreates,
    };

    try {
      switch (operation.kind) {
        case 'preview':
          return await runPreview(deps, ctx);
        case 'apply':
        case 'destroy':
          return await runApply(deps, ctx);
        case 'refresh':
          return await runRefresh(deps, ctx, 'refresh');
        case 'drift-check':
          return await runRefresh(deps, ctx, 'drift-check');
      }
    } catch (error) {
      const message = engineErrorMessage(error, redactor);
      logger.error({ err: redactor.text(String(error)) }, 'engine run failed');
      ctx.builder?.addError(message);
      return { status: 'failed', error: message, changeSet: ctx.builder?.build() ?? null };
    }
  };
}

async function runPreview(deps: ExecutorDeps, ctx: RunContext): Promise<OperationOutcome> {
  const destroy = isDestroyPreview(ctx.operation);
  const kind: ChangeSetKind = destroy ? 'destroy' : 'preview';
  const builder = await newBuilder(deps, ctx, kind);
  const onEvent = progress(deps, ctx, builder);
  if (destroy) {
    // Protected data resources make a plain destroy preview fail; list them as deletions that
    // only the approved destroy carries out, and say plainly that their data goes with them.
    await ctx.stack.previewDestroy({ onEvent, signal: ctx.signal, excludeProtected: true });
    const kept = await protectedResources(ctx.stack);
    for (const resource of kept) builder.addPlanned(resource.urn, resource.type, 'delete');
    if (kept.length > 0) {
      builder.addFinding({
        policy: 'protected-data',
        pack: 'blkshp-control-plane',
        level: 'advisory',
        message:
          `${kept.length} protected data resources (databases, volumes, buckets) are deleted ` +
          'with their data when this destroy is applied. Take a final backup first.',
      });
    }
  }
  // A preview writes no state, so the state is read for the fingerprint while the engine runs.
  const [state] = await Promise.all([
    stateHash(ctx.stack),
    destroy ? undefined : ctx.stack.preview({ onEvent, signal: ctx.signal, ...policyPacks(deps) }),
  ]);
  const changeSet = builder.build();
  const fingerprint = joinFingerprint(
    specHash(ctx.property.spec),
    fingerprintOf(ctx.configHash, state),
  );
  return { status: 'succeeded', changeSet, fingerprint };
}

async function runApply(deps: ExecutorDeps, ctx: RunContext): Promise<OperationOutcome> {
  const previewId = ctx.operation.previewId;
  const preview = previewId ? await deps.repo.getOperation(previewId) : null;
  if (!preview?.fingerprint) return { status: 'failed', error: 'The approved preview is missing.' };

  // The stack must be exactly as it was when the preview ran, or the preview shows the wrong thing.
  const now = fingerprintOf(ctx.configHash, await stateHash(ctx.stack));
  if (splitFingerprint(preview.fingerprint).stack !== now) {
    return {
      status: 'failed',
      error:
        'The stack or its config changed after the approved preview; run a new preview ' +
        'and approve that one.',
    };
  }

  const destroy = ctx.operation.kind === 'destroy';
  const builder = await newBuilder(deps, ctx, destroy ? 'destroy' : 'apply');
  const onEvent = progress(deps, ctx, builder);
  if (destroy) {
    await unprotectAll(ctx.stack, ctx.engine);
    await ctx.stack.destroy({ onEvent, signal: ctx.signal });
    await deps.repo.updateProperty(ctx.property.slug, { outputs: null });
    return { status: 'succeeded', changeSet: builder.build(), outputs: null };
  }
  // Preview again right before the update and refuse on any difference from what was approved.
  // Pulumi's update plans (`up --plan`) would do this inside the engine, but with providers that
  // cannot preview updates (the sandbox's Node provider server) a planned update of a dependant
  // can turn into "same" at apply time, which the engine then rejects as a plan violation.
  // TODO(update plans): switch to `plan` once every provider in use supports update previews.
  const check = new ChangeSetBuilder({
    kind: 'preview',
    property: ctx.property.slug,
    sandbox: ctx.property.sandbox,
    redactor: ctx.redactor,
  });
  await ctx.stack.preview({
    onEvent: (e) => check.add(e),
    signal: ctx.signal,
    ...policyPacks(deps),
  });
  const difference = compareChangeSets(preview.changeSet!, check.build());
  if (difference) {
    return {
      status: 'failed',
      error: `What an apply would do now differs from the approved preview (${difference}); run a new preview.`,
    };
  }
  const result = await ctx.stack.up({ onEvent, signal: ctx.signal, ...policyPacks(deps) });
  const outputs = plainOutputs(result.outputs, ctx.redactor);
  await deps.repo.updateProperty(ctx.property.slug, { outputs });
  const fingerprint = fingerprintOf(ctx.configHash, await stateHash(ctx.stack));
  return { status: 'succeeded', changeSet: builder.build(), outputs, fingerprint };
}

async function runRefresh(
  deps: ExecutorDeps,
  ctx: RunContext,
  kind: 'refresh' | 'drift-check',
): Promise<OperationOutcome> {
  const builder = await newBuilder(deps, ctx, kind);
  const onEvent = progress(deps, ctx, builder);
  if (kind === 'refresh') {
    await ctx.stack.refresh({ onEvent, signal: ctx.signal });
    return { status: 'succeeded', changeSet: builder.build() };
  }
  // Drift: what the cloud holds now against the state (nothing is written) ...
  await ctx.stack.previewRefresh({ onEvent, signal: ctx.signal });
  const drift = builder.build();
  // ... then what an apply would change from there, kept apart so the drift stays readable.
  const planned = new ChangeSetBuilder({
    kind: 'preview',
    property: ctx.property.slug,
    sandbox: ctx.property.sandbox,
    redactor: ctx.redactor,
  });
  await ctx.stack.preview({ onEvent: (e) => planned.add(e), signal: ctx.signal, refresh: true });
  const { same: _unchanged, ...applyWouldChange } = planned.build().counts;
  return { status: 'succeeded', changeSet: { ...drift, applyWouldChange } };
}

async function newBuilder(
  deps: ExecutorDeps,
  ctx: RunContext,
  kind: ChangeSetKind,
): Promise<ChangeSetBuilder> {
  const costDelta = await costDeltaFor(deps, ctx, kind);
  ctx.builder = new ChangeSetBuilder({
    kind,
    property: ctx.property.slug,
    sandbox: ctx.property.sandbox,
    redactor: ctx.redactor,
    costDelta,
  });
  if (ctx.pendingCreates.length > 0) {
    ctx.builder.addFinding({
      policy: 'interrupted-create',
      pack: 'blkshp-control-plane',
      level: 'advisory',
      message:
        `The service stopped while creating ${ctx.pendingCreates.map((u) => u.split('::').at(-1)).join(', ')}. ` +
        'If the cloud shows them but this stack does not, delete or import them before applying.',
    });
  }
  return ctx.builder;
}

async function costDeltaFor(
  deps: ExecutorDeps,
  ctx: RunContext,
  kind: ChangeSetKind,
): Promise<CostDelta | null> {
  if (kind === 'refresh' || kind === 'drift-check') return null;
  const applies = await deps.repo.listOperations({
    property: ctx.property.slug,
    kind: 'apply',
    status: 'succeeded',
    limit: 1,
  });
  const before = ctx.property.outputs ? (applies[0]?.changeSet?.costDelta?.afterMonthly ?? 0) : 0;
  const after = kind === 'destroy' ? 0 : estimateFor(ctx.property.spec);
  return { currency: 'USD', beforeMonthly: before, afterMonthly: after };
}

function progress(deps: ExecutorDeps, ctx: RunContext, builder: ChangeSetBuilder) {
  const started = new Set<string>();
  const finished = new Set<string>();
  const base = { operationId: ctx.operation.id, property: ctx.property.slug };
  return (event: EngineEvent): void => {
    builder.add(event);
    const pre = event.resourcePreEvent?.metadata;
    const out = event.resOutputsEvent?.metadata;
    const failed = event.resOpFailedEvent?.metadata;
    const meta = pre ?? out ?? failed;
    if (meta && !meta.type.startsWith('pulumi:')) {
      if (pre) started.add(meta.urn);
      if (out || failed) finished.add(meta.urn);
      deps.emit({
        type: 'resource',
        ...base,
        urn: meta.urn,
        resourceType: meta.type,
        op: meta.op === 'same' ? 'same' : meta.op === 'create' ? 'create' : 'update',
        phase: failed ? 'failed' : pre ? 'started' : 'finished',
        done: finished.size,
        total: started.size,
      });
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && diagnostic.severity !== 'info#err' && !diagnostic.ephemeral) {
      const line = ctx.redactor.text(diagnostic.message.trim());
      if (line) deps.emit({ type: 'log', ...base, line });
    }
  };
}

function policyPacks(deps: ExecutorDeps): { policyPacks?: string[] } {
  return deps.policyPackDir ? { policyPacks: [deps.policyPackDir] } : {};
}

/** Stack outputs as plain JSON: secret outputs become `[secret]`, known secrets are masked. */
export function plainOutputs(outputs: OutputMap, redactor: Redactor): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, output] of Object.entries(outputs)) {
    plain[key] = output.secret ? '[secret]' : redactor.value(output.value);
  }
  return plain;
}

/** The last useful lines of the CLI's error output, secrets removed, for the user to read. */
export function engineErrorMessage(error: unknown, redactor: Redactor): string {
  const text = String((error as { message?: string }).message ?? error);
  const lines = [...new Set(text.split('\n').map((l) => l.trim()))].filter(
    (l) => l && !l.startsWith('stderr:') && !l.startsWith('err?:') && !l.startsWith('at '),
  );
  // The engine's own "error:" lines say what went wrong; the rest is the progress display.
  const errors = lines.filter((l) => /\berror:/i.test(l) && !/^error: preview failed$/i.test(l));
  const chosen = errors.length > 0 ? errors : lines.slice(-3);
  const summary = chosen.slice(0, 6).join('\n') || 'The engine run failed; see the log.';
  return redactor.text(summary);
}

/** Secrets are unknown until the stack is open; the first program instance never runs. */
function placeholder(): StackSecrets {
  return {
    dbRootPassword: '',
    dbAppPassword: '',
    siteAdminPassword: '',
    siteEncryptionKey: '',
    backupEncryptionKey: '',
  };
}

/**
 * Recovery on its own, for a stack whose run died with another replica: unlock it and drop the
 * pending operations, so the next run starts clean.
 */
export function createStackRecoverer(
  deps: Pick<ExecutorDeps, 'repo' | 'stackEnvironment' | 'program' | 'logger'>,
): (slug: string) => Promise<{ pendingCreates: string[] }> {
  return async (slug) => {
    const property = await deps.repo.getProperty(slug);
    if (!property) return { pendingCreates: [] };
    const logger = deps.logger.child({ property: slug, action: 'recover' });
    const env = await deps.stackEnvironment(property);
    const stack = await openStack(env, slug, deps.program(property.spec, placeholder()), {
      logger,
    });
    return recoverStack(stack, logger);
  };
}
