/**
 * Builds a ChangeSet from the engine's event stream. Feed every event to `add`, then call
 * `build`. Works for previews, updates, refreshes (drift) and destroys alike.
 */
import type { EngineEvent, StepEventMetadata } from '@pulumi/pulumi/automation/index.js';
import type {
  ChangeSet,
  ChangeSetKind,
  CostDelta,
  PolicyFinding,
  PropertyChange,
  PropertyChangeKind,
  ResourceChange,
  ResourceOp,
} from './model.ts';
import type { Redactor } from './redact.ts';

/** Engine step ops folded into the few a person needs to read. */
const OP_MAP: Record<string, ResourceOp> = {
  same: 'same',
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  'create-replacement': 'replace',
  'delete-replaced': 'replace',
  'read-replacement': 'replace',
  read: 'read',
  // A refresh step is "same" unless its outputs event reports an update (drift).
  refresh: 'same',
  import: 'create',
  'import-replacement': 'replace',
  discard: 'delete',
  'discard-replaced': 'replace',
  'remove-pending-replace': 'replace',
};

/** When one URN shows up in several steps (a replace does), the stronger op wins. */
const OP_STRENGTH: Record<ResourceOp, number> = {
  same: 0,
  read: 1,
  refresh: 2,
  update: 3,
  create: 4,
  delete: 4,
  replace: 5,
};

export interface ChangeSetContext {
  kind: ChangeSetKind;
  property: string;
  sandbox: boolean;
  redactor: Redactor;
  costDelta?: CostDelta | null;
}

export class ChangeSetBuilder {
  readonly #context: ChangeSetContext;
  readonly #resources = new Map<string, ResourceChange>();
  readonly #findings: PolicyFinding[] = [];
  readonly #errors: string[] = [];

  constructor(context: ChangeSetContext) {
    this.#context = context;
  }

  add(event: EngineEvent): void {
    const step = event.resourcePreEvent?.metadata ?? event.resOutputsEvent?.metadata;
    if (step) this.#addStep(step, event.resOutputsEvent !== undefined);
    if (event.resOpFailedEvent) {
      const urn = event.resOpFailedEvent.metadata.urn;
      this.#errors.push(`${nameOf(urn)} (${event.resOpFailedEvent.metadata.type}) failed`);
    }
    if (event.policyEvent) this.#addFinding(event.policyEvent);
    if (event.diagnosticEvent?.severity === 'error') {
      const message = this.#context.redactor.text(event.diagnosticEvent.message.trim());
      if (message && !this.#errors.includes(message)) this.#errors.push(message);
    }
  }

  /**
   * Adds a resource the engine did not report itself, e.g. a protected resource that only the
   * approved destroy will delete.
   */
  addPlanned(urn: string, type: string, op: ResourceOp): void {
    if (this.#resources.has(urn)) return;
    this.#resources.set(urn, {
      urn,
      type,
      name: nameOf(urn),
      op,
      changes: [],
      replaceReasons: [],
      findings: [],
    });
  }

  /** Records a finding that did not come from the policy pack. */
  addFinding(finding: PolicyFinding): void {
    this.#findings.push(finding);
  }

  /** Records an error that did not come through the event stream (a failed CLI call). */
  addError(message: string): void {
    this.#errors.push(this.#context.redactor.text(message));
  }

  build(): ChangeSet {
    const resources = [...this.#resources.values()].filter((r) => !isStackResource(r.type));
    const counts: Partial<Record<ResourceOp, number>> = {};
    for (const r of resources) counts[r.op] = (counts[r.op] ?? 0) + 1;
    const stackFindings: PolicyFinding[] = [];
    for (const finding of this.#findings) {
      const owner = finding.urn ? this.#resources.get(finding.urn) : undefined;
      if (owner && !isStackResource(owner.type)) owner.findings.push(finding);
      else stackFindings.push(finding);
    }
    return {
      kind: this.#context.kind,
      property: this.#context.property,
      sandbox: this.#context.sandbox,
      resources,
      counts,
      findings: stackFindings,
      errors: [...this.#errors],
      costDelta: this.#context.costDelta ?? null,
    };
  }

  #addStep(step: StepEventMetadata, isOutputs: boolean): void {
    const op = OP_MAP[step.op] ?? 'update';
    const existing = this.#resources.get(step.urn);
    // A refresh step only counts as drift when the engine saw differences.
    const effectiveOp: ResourceOp =
      op === 'refresh' && (step.diffs?.length ?? 0) > 0 ? 'update' : op;
    const changes = this.#propertyChanges(step, effectiveOp);
    if (existing) {
      if (OP_STRENGTH[effectiveOp] > OP_STRENGTH[existing.op]) existing.op = effectiveOp;
      // Outputs events repeat the pre event's diff; keep the first unless it had none.
      if (existing.changes.length === 0 && !isOutputs) existing.changes = changes;
      else if (existing.changes.length === 0) existing.changes = changes;
      existing.replaceReasons = mergeUnique(existing.replaceReasons, replaceReasons(step));
      return;
    }
    this.#resources.set(step.urn, {
      urn: step.urn,
      type: step.type,
      name: nameOf(step.urn),
      op: effectiveOp,
      changes,
      replaceReasons: replaceReasons(step),
      findings: [],
    });
  }

  #propertyChanges(step: StepEventMetadata, op: ResourceOp): PropertyChange[] {
    if (op === 'same' || op === 'read' || op === 'create' || op === 'delete') return [];
    if (op === 'refresh') return [];
    // Drift compares what the cloud holds (outputs); a planned change compares inputs.
    const side = step.op === 'refresh' ? 'outputs' : 'inputs';
    const oldValues = step.old?.[side] ?? {};
    const newValues = step.new?.[side] ?? {};
    const redact = (v: unknown) => this.#context.redactor.value(v);
    // The engine does not always mark replacing diffs as `-replace` (the Node provider server
    // sends none): a top-level key in `keys` of a replace step forces the replacement too.
    const replaceKeys = op === 'replace' ? new Set(step.keys ?? []) : new Set<string>();
    if (step.detailedDiff && Object.keys(step.detailedDiff).length > 0) {
      return Object.entries(step.detailedDiff).map(([path, diff]) => {
        const kind = String(diff.diffKind);
        return withValues(
          {
            path,
            kind: baseKind(kind),
            forcesReplacement: kind.endsWith('-replace') || replaceKeys.has(topLevel(path)),
          },
          lookup(oldValues, path),
          lookup(newValues, path),
          redact,
        );
      });
    }
    // Providers without a detailed diff (the Node provider server sends none) give only the
    // top-level keys that differ: compute old → new from the two sides ourselves.
    const keys = step.diffs ?? [];
    return keys.map((path) => {
      const before = oldValues[path];
      const after = newValues[path];
      const kind: PropertyChangeKind =
        before === undefined ? 'add' : after === undefined ? 'delete' : 'update';
      return withValues(
        { path, kind, forcesReplacement: replaceKeys.has(topLevel(path)) },
        before,
        after,
        redact,
      );
    });
  }

  #addFinding(event: NonNullable<EngineEvent['policyEvent']>): void {
    const finding: PolicyFinding = {
      policy: event.policyName,
      pack: event.policyPackName,
      level: event.enforcementLevel === 'mandatory' ? 'mandatory' : 'advisory',
      message: this.#context.redactor.text(event.message.trim()),
    };
    if (event.resourceUrn) finding.urn = event.resourceUrn;
    const duplicate = this.#findings.some(
      (f) => f.policy === finding.policy && f.urn === finding.urn && f.message === finding.message,
    );
    if (!duplicate) this.#findings.push(finding);
  }
}

function withValues(
  change: Omit<PropertyChange, 'old' | 'new'>,
  before: unknown,
  after: unknown,
  redact: (v: unknown) => unknown,
): PropertyChange {
  const out: PropertyChange = { ...change };
  if (before !== undefined && change.kind !== 'add') out.old = redact(shown(before));
  if (after !== undefined && change.kind !== 'delete') out.new = redact(shown(after));
  return out;
}

/** The engine's placeholder for a value a preview cannot know yet. */
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
export const KNOWN_AFTER_APPLY = '(known after apply)';

function shown(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return KNOWN_AFTER_APPLY;
  if (Array.isArray(value)) return value.map(shown);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
  }
  return value;
}

function topLevel(path: string): string {
  return path.split(/[.[]/)[0] ?? path;
}

function baseKind(kind: string): PropertyChangeKind {
  if (kind.startsWith('add')) return 'add';
  if (kind.startsWith('delete')) return 'delete';
  return 'update';
}

function replaceReasons(step: StepEventMetadata): string[] {
  if (!['replace', 'create-replacement', 'delete-replaced'].includes(step.op)) return [];
  if (step.detailedDiff) {
    const forced = Object.entries(step.detailedDiff)
      .filter(([, d]) => String(d.diffKind).endsWith('-replace'))
      .map(([path]) => path);
    if (forced.length > 0) return forced;
  }
  return step.keys ?? [];
}

function mergeUnique(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Reads a property path like `rules[0].ports` or `tags.env` out of a value. */
export function lookup(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function nameOf(urn: string): string {
  return urn.split('::').at(-1) ?? urn;
}

function isStackResource(type: string): boolean {
  return type === 'pulumi:pulumi:Stack' || type.startsWith('pulumi:providers:');
}
