/**
 * The one model of what the engine found in a preview, update, refresh or drift check.
 * Every view (text, Block Kit, HTML, JSON) renders this and nothing else. Values in it are
 * already redacted: a ChangeSet never holds a secret.
 */

/** What the engine does, or would do, to one resource. */
export type ResourceOp = 'create' | 'update' | 'replace' | 'delete' | 'same' | 'read' | 'refresh';

export type PropertyChangeKind = 'add' | 'delete' | 'update';

/** One changed property of one resource, old → new. */
export interface PropertyChange {
  /** Property path as the engine names it, e.g. `size` or `inboundRules[0].sourceAddresses`. */
  path: string;
  kind: PropertyChangeKind;
  /** Previous value, redacted; absent for an addition. */
  old?: unknown;
  /** New value, redacted; absent for a deletion. */
  new?: unknown;
  /** True when changing this property forces the resource to be replaced. */
  forcesReplacement: boolean;
}

export type PolicyLevel = 'advisory' | 'mandatory' | 'remediate' | 'disabled';

export interface PolicyFinding {
  policy: string;
  pack: string;
  level: PolicyLevel;
  message: string;
  /** The resource it is about; absent for a stack-level finding. */
  urn?: string;
}

export interface ResourceChange {
  urn: string;
  /** Pulumi type token, e.g. `digitalocean:index/droplet:Droplet`. */
  type: string;
  /** The logical name from the URN. */
  name: string;
  op: ResourceOp;
  changes: PropertyChange[];
  /** Property paths that force the replacement, when `op` is `replace`. */
  replaceReasons: string[];
  findings: PolicyFinding[];
}

export interface CostDelta {
  currency: 'USD';
  /** Monthly estimate before the change (0 for a new property). */
  beforeMonthly: number;
  /** Monthly estimate after the change (0 after a destroy). */
  afterMonthly: number;
}

export type ChangeSetKind = 'preview' | 'apply' | 'refresh' | 'drift-check' | 'destroy';

export interface ChangeSet {
  kind: ChangeSetKind;
  property: string;
  /** True when the property runs on the offline sandbox cloud. */
  sandbox: boolean;
  /** Every resource the engine reported, `same` included. */
  resources: ResourceChange[];
  /** Counts by op over `resources`. */
  counts: Partial<Record<ResourceOp, number>>;
  /** Stack-level findings (resource findings sit on their resource). */
  findings: PolicyFinding[];
  /** Errors the engine reported, redacted. */
  errors: string[];
  costDelta: CostDelta | null;
  /**
   * Drift checks only: what an apply would change now, by op (from a preview after the
   * refresh). Absent for other kinds.
   */
  applyWouldChange?: Partial<Record<ResourceOp, number>>;
}

/** Resources that change, i.e. every op but `same` (and the read-only ones). */
export function changedResources(changeSet: ChangeSet): ResourceChange[] {
  return changeSet.resources.filter((r) => r.op !== 'same' && r.op !== 'read');
}

/** Every finding, stack-level and per resource. */
export function allFindings(changeSet: ChangeSet): PolicyFinding[] {
  return [...changeSet.findings, ...changeSet.resources.flatMap((r) => r.findings)];
}

export function hasMandatoryViolation(changeSet: ChangeSet): boolean {
  return allFindings(changeSet).some((f) => f.level === 'mandatory');
}
