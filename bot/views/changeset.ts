/**
 * The Block Kit view of one operation and its ChangeSet. A pure function: the same inputs give
 * the same blocks, and the result always fits Slack's limits. When the changed resources do not
 * all fit, the summary stays in the message and `truncated` tells the caller to attach the full
 * diff (see `diff-text.ts`) or to link the dashboard.
 */
import {
  allFindings,
  type ChangeSet,
  changedResources,
  type PolicyFinding,
  type PropertyChange,
  type ResourceChange,
  type ResourceOp,
} from '../../infra/changes/model.ts';
import type { Operation, OperationStatus } from '../../infra/operations/model.ts';
import {
  formatUsd,
  formatUsdDelta,
  formatValue,
  isSecretName,
  SECRET_PLACEHOLDER,
} from './format.ts';
import {
  type Block,
  blocksSize,
  clip,
  context,
  divider,
  escapeMrkdwn,
  fitLines,
  header,
  LIMITS,
  section,
} from './limits.ts';

export interface ChangeSetViewInput {
  /** The operation whose result this is (header, status, outputs, error). */
  operation: Pick<Operation, 'id' | 'kind' | 'property' | 'status' | 'actor'> &
    Partial<Pick<Operation, 'outputs' | 'error' | 'summary'>>;
  changeSet: ChangeSet | null;
  /** Buttons and the like, always kept: space is reserved for them before resources. */
  actions?: Block[];
  /** Extra lines under the header, e.g. "Approved by <@U1>". */
  notes?: string[];
  /** A link to the operation's dashboard page. */
  dashboardUrl?: string;
}

export interface ChangeSetView {
  /** Notification and fallback text. */
  text: string;
  blocks: Block[];
  /** True when some changed resources were left out for size. */
  truncated: boolean;
  omittedResources: number;
}

/** Changes shown per resource before "and N more". */
const MAX_CHANGES_PER_RESOURCE = 8;

/**
 * Character budgets of the parts kept whole, so that together they stay well inside the
 * message total and leave room for the resource list (JSON escaping adds a little on top).
 */
const BUDGET = { notes: 600, replacements: 1200, findings: 2500, errors: 1000, outputs: 1500 };

const OP_LABEL: Record<ResourceOp, { sign: string; verb: string }> = {
  create: { sign: '+', verb: 'create' },
  update: { sign: '~', verb: 'update' },
  replace: { sign: '+-', verb: 'replace' },
  delete: { sign: '-', verb: 'delete' },
  same: { sign: ' ', verb: 'unchanged' },
  read: { sign: '>', verb: 'read' },
  refresh: { sign: '~', verb: 'refresh' },
};

const STATUS_LABEL: Record<OperationStatus, string> = {
  queued: '⏳ queued',
  running: '🔄 running',
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '⏹ cancelled',
  interrupted: '⚠️ interrupted',
};

const COUNT_ORDER: ResourceOp[] = ['create', 'update', 'replace', 'delete', 'refresh', 'same'];

export function changeSetView(input: ChangeSetViewInput): ChangeSetView {
  const { operation, changeSet } = input;
  const title = `${operation.property} · ${operation.kind} · ${STATUS_LABEL[operation.status]}`;

  // Everything but the resource list is kept, each part within its budget.
  let cut = false;
  const lines = (items: string[], budget: number): Block[] => {
    const fitted = fitLines(items, budget);
    cut ||= fitted.cut;
    return fitted.blocks;
  };
  const top: Block[] = [header(title), context(...badges(input))];
  if (input.notes?.length) top.push(...lines(input.notes, BUDGET.notes));
  if (operation.error) top.push(section(clip(`*Error:* ${escapeMrkdwn(operation.error)}`, 500)));
  if (changeSet) {
    top.push(section(countsLine(changeSet)));
    if (changeSet.costDelta) top.push(section(costLine(changeSet)));
    const wouldChange = Object.entries(changeSet.applyWouldChange ?? {}).filter(([op, n]) => {
      return op !== 'same' && (n ?? 0) > 0;
    });
    if (wouldChange.length > 0) {
      const parts = wouldChange.map(([op, n]) => `${n} to ${op}`).join(', ');
      top.push(section(`*An apply now would:* ${parts}`));
    }
    const replaced = changeSet.resources.filter((r) => r.op === 'replace');
    if (replaced.length > 0) top.push(...lines(replacementLines(replaced), BUDGET.replacements));
  }

  const bottom: Block[] = [];
  if (changeSet) {
    const findings = allFindings(changeSet);
    if (findings.length > 0)
      bottom.push(divider, ...lines(findingLines(findings, changeSet), BUDGET.findings));
    if (changeSet.errors.length > 0) {
      const errors = changeSet.errors.map((e) => `• ${escapeMrkdwn(e)}`);
      bottom.push(...lines(['*Engine errors*', ...errors], BUDGET.errors));
    }
  }
  if (operation.status === 'succeeded' && operation.outputs) {
    const outputs = outputLines(operation.outputs);
    if (outputs.length > 0)
      bottom.push(divider, ...lines(['*Outputs*', ...outputs], BUDGET.outputs));
  }
  if (input.dashboardUrl) {
    bottom.push(context(`<${input.dashboardUrl}|Open this operation in the dashboard>`));
  }
  bottom.push(...(input.actions ?? []));

  const resources = changeSet ? changedResources(changeSet) : [];
  const { blocks: middle, omitted } = fitResources(resources, top, bottom);
  const blocks = [...top, ...middle, ...bottom];
  const longResource = resources.some((r) => r.changes.length > MAX_CHANGES_PER_RESOURCE);
  return {
    text: clip(`${title}${changeSet ? ` · ${countsText(changeSet)}` : ''}`, LIMITS.fallbackChars),
    blocks,
    truncated: omitted > 0 || cut || longResource,
    omittedResources: omitted,
  };
}

function badges(input: ChangeSetViewInput): string[] {
  const { operation, changeSet } = input;
  const items: string[] = [];
  if (changeSet?.sandbox) items.push('🧪 *SANDBOX*: offline cloud, nothing real changes');
  items.push(`operation \`${operation.id}\``);
  if (operation.summary) items.push(escapeMrkdwn(operation.summary));
  return items;
}

function countsText(changeSet: ChangeSet): string {
  const parts = COUNT_ORDER.filter((op) => (changeSet.counts[op] ?? 0) > 0).map(
    (op) => `${changeSet.counts[op]} to ${OP_LABEL[op].verb}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no resources';
}

function countsLine(changeSet: ChangeSet): string {
  if (changedResources(changeSet).length === 0) {
    return `*No changes.* ${countsText(changeSet)}`;
  }
  return `*Changes:* ${countsText(changeSet)}`;
}

function costLine(changeSet: ChangeSet): string {
  const cost = changeSet.costDelta!;
  const delta = cost.afterMonthly - cost.beforeMonthly;
  return (
    `*Monthly estimate:* ${formatUsd(cost.beforeMonthly)} → ${formatUsd(cost.afterMonthly)} ` +
    `(${formatUsdDelta(delta)} per month)`
  );
}

function replacementLines(replaced: ResourceChange[]): string[] {
  return [
    '⚠️ *Replaced (the old resource is deleted, a new one created):*',
    ...replaced.map((r) => {
      const why = r.replaceReasons.length > 0 ? ` because of ${codeList(r.replaceReasons)}` : '';
      return `• \`${escapeMrkdwn(r.name)}\` (${escapeMrkdwn(r.type)})${why}`;
    }),
  ];
}

function findingLines(findings: PolicyFinding[], changeSet: ChangeSet): string[] {
  const nameOf = new Map(changeSet.resources.map((r) => [r.urn, r.name]));
  const order = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };
  const sorted = [...findings].sort((a, b) => order[a.level] - order[b.level]);
  return [
    '*Policy findings*',
    ...sorted.map((f) => {
      const icon = f.level === 'mandatory' ? '⛔' : f.level === 'advisory' ? 'ℹ️' : '🔧';
      const on = f.urn ? ` on \`${escapeMrkdwn(nameOf.get(f.urn) ?? f.urn)}\`` : '';
      return (
        `${icon} *${f.level.toUpperCase()}* \`${escapeMrkdwn(f.policy)}\`${on}: ` +
        escapeMrkdwn(f.message)
      );
    }),
  ];
}

function outputLines(outputs: Record<string, unknown>): string[] {
  return Object.entries(outputs).map(([name, value]) => {
    const shown = isSecretName(name) ? SECRET_PLACEHOLDER : formatValue(value, 200);
    return `• \`${escapeMrkdwn(name)}\`: ${escapeMrkdwn(shown)}`;
  });
}

function changeLine(change: PropertyChange): string {
  const leaf =
    change.path
      .split(/[.[\]]/)
      .filter(Boolean)
      .at(-1) ?? change.path;
  const show = (value: unknown) =>
    isSecretName(leaf) ? SECRET_PLACEHOLDER : escapeMrkdwn(formatValue(value));
  const replace = change.forcesReplacement ? ' _(forces replacement)_' : '';
  const path = `\`${escapeMrkdwn(change.path)}\``;
  if (change.kind === 'add') return `  • ${path}: + ${show(change.new)}${replace}`;
  if (change.kind === 'delete') return `  • ${path}: − ${show(change.old)}${replace}`;
  return `  • ${path}: ${show(change.old)} → ${show(change.new)}${replace}`;
}

/** One resource as one section (its own text object, so clipping stays local). */
export function resourceBlock(resource: ResourceChange): Block {
  const label = OP_LABEL[resource.op];
  const head = `*${label.sign} ${label.verb}* \`${escapeMrkdwn(resource.name)}\`  _${escapeMrkdwn(
    resource.type,
  )}_`;
  const shown = resource.changes.slice(0, MAX_CHANGES_PER_RESOURCE).map(changeLine);
  const more = resource.changes.length - shown.length;
  if (more > 0) shown.push(`  … and ${more} more`);
  return section([head, ...shown].join('\n'));
}

/** Adds resource blocks while the message stays under the block and size limits. */
function fitResources(resources: ResourceChange[], top: Block[], bottom: Block[]) {
  if (resources.length === 0) return { blocks: [] as Block[], omitted: 0 };
  // Room for a divider before the list and the "N more" note after it.
  const reservedBlocks = top.length + bottom.length + 2;
  const noteAllowance = 300;
  let size = blocksSize([...top, ...bottom, divider]) + noteAllowance;

  const blocks: Block[] = [divider];
  let included = 0;
  for (const resource of resources) {
    const block = resourceBlock(resource);
    const blockSize = blocksSize([block]);
    if (reservedBlocks + included + 1 > LIMITS.blocks) break;
    if (size + blockSize + 1 > LIMITS.totalChars) break;
    blocks.push(block);
    size += blockSize + 1;
    included += 1;
  }
  const omitted = resources.length - included;
  if (omitted > 0) {
    blocks.push(
      context(`… ${omitted} more changed resource(s) are in the full diff attached below.`),
    );
  }
  return { blocks, omitted };
}

function codeList(items: string[]): string {
  return items.map((i) => `\`${escapeMrkdwn(i)}\``).join(', ');
}
