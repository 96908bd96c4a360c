/**
 * A ChangeSet as a readable diff: counts per op, then each changed resource with its property
 * changes old → new, replacements called out with their reason, policy findings with their
 * level, and the monthly cost delta. Values are already redacted by the control plane.
 */
import {
  allFindings,
  type ChangeSet,
  changedResources,
  type PropertyChange,
  type ResourceOp,
} from '../../infra/changes/model.ts';
import { Badge, formatUsd } from './layout.tsx';

const OP_ORDER: ResourceOp[] = ['create', 'update', 'replace', 'delete', 'same', 'read', 'refresh'];
const MAX_VALUE_CHARS = 120;

export function ChangeSetView(props: { changeSet: ChangeSet }) {
  const cs = props.changeSet;
  const changed = changedResources(cs);
  const findings = allFindings(cs);
  return (
    <div class="change-set">
      <p>
        {OP_ORDER.filter((op) => (cs.counts[op] ?? 0) > 0).map((op) => (
          <span>
            <Badge value={op} /> {cs.counts[op]}{' '}
          </span>
        ))}
        {changed.length === 0 ? <span class="muted">No changes.</span> : null}
      </p>
      {cs.costDelta === null ? null : <CostDeltaLine delta={cs.costDelta} />}
      {cs.errors.length === 0 ? null : (
        <div class="card">
          <strong>Errors</strong>
          <ul>
            {cs.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      )}
      {changed.length === 0 ? null : (
        <table>
          <thead>
            <tr>
              <th>Op</th>
              <th>Resource</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((r) => (
              <tr>
                <td>
                  <Badge value={r.op} />
                </td>
                <td>
                  <strong>{r.name}</strong>
                  <br />
                  <code class="muted">{r.type}</code>
                  {r.op === 'replace' ? (
                    <p>
                      <strong>Replaced</strong>
                      {r.replaceReasons.length > 0
                        ? ` because of: ${r.replaceReasons.join(', ')}`
                        : ''}
                    </p>
                  ) : null}
                </td>
                <td>
                  {r.changes.length === 0 ? <span class="muted">—</span> : null}
                  <ul>
                    {r.changes.map((change) => (
                      <ChangeLine change={change} />
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {findings.length === 0 ? null : (
        <>
          <h3>Policy findings</h3>
          <ul>
            {findings.map((f) => (
              <li>
                <Badge value={f.level} /> <strong>{f.policy}</strong>: {f.message}
                {f.urn === undefined ? null : <code class="muted"> {urnName(f.urn)}</code>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ChangeLine(props: { change: PropertyChange }) {
  const { change } = props;
  const forces = change.forcesReplacement ? <strong> (forces replacement)</strong> : null;
  if (change.kind === 'add') {
    return (
      <li>
        <code>{change.path}</code>: + {show(change.new)}
        {forces}
      </li>
    );
  }
  if (change.kind === 'delete') {
    return (
      <li>
        <code>{change.path}</code>: − {show(change.old)}
        {forces}
      </li>
    );
  }
  return (
    <li>
      <code>{change.path}</code>: {show(change.old)} → {show(change.new)}
      {forces}
    </li>
  );
}

function CostDeltaLine(props: { delta: NonNullable<ChangeSet['costDelta']> }) {
  const { beforeMonthly, afterMonthly } = props.delta;
  const diff = afterMonthly - beforeMonthly;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  return (
    <p>
      Monthly estimate: {formatUsd(beforeMonthly)} → {formatUsd(afterMonthly)} ({sign}
      {formatUsd(Math.abs(diff))})
    </p>
  );
}

function show(value: unknown) {
  const text = value === undefined ? '∅' : JSON.stringify(value);
  const clipped = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
  return <code>{clipped}</code>;
}

function urnName(urn: string): string {
  return urn.split('::').at(-1) ?? urn;
}
