/**
 * One property: its spec, the outputs of the last apply, the last ChangeSet as a readable diff,
 * and the operation history.
 */
import type { PropertyRecord } from '../../infra/control-plane-api.ts';
import type { DriftResult } from '../../infra/drift/model.ts';
import type { Operation } from '../../infra/operations/model.ts';
import { ChangeSetView } from './change-set.tsx';
import { Badge, formatTime, formatUsd, Layout, SandboxBadge } from './layout.tsx';

export interface PropertyPageProps {
  property: PropertyRecord;
  history: Operation[];
  /** Drift check results, newest first. */
  drift: DriftResult[];
  signedInAs: string;
  nonce: string | undefined;
}

export function PropertyPage(props: PropertyPageProps) {
  const { property, history } = props;
  const { spec } = property;
  const latest = history.find((op) => op.changeSet !== null) ?? null;
  return (
    <Layout title={spec.name} nonce={props.nonce} signedInAs={props.signedInAs}>
      <h1>
        {spec.name} <code class="muted">{spec.slug}</code>{' '}
        {property.sandbox ? <SandboxBadge /> : null}
      </h1>
      <p>
        Drift: <Badge value={property.drift.status} />{' '}
        <span class="muted">checked {formatTime(property.drift.checkedAt)}</span> ·{' '}
        {`Monthly estimate ${formatUsd(property.monthlyEstimateUsd)}`}
      </p>

      <h2>Spec</h2>
      <div class="card">
        <dl>
          {Object.entries(spec).map(([key, value]) => (
            <>
              <dt>{key}</dt>
              <dd>{specValue(value)}</dd>
            </>
          ))}
        </dl>
      </div>

      <h2>Outputs</h2>
      {property.outputs === null ? (
        <p class="muted">Nothing applied yet.</p>
      ) : (
        <div class="card">
          <dl>
            {Object.entries(property.outputs).map(([key, value]) => (
              <>
                <dt>{key}</dt>
                <dd>
                  <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
                </dd>
              </>
            ))}
          </dl>
        </div>
      )}

      <h2>
        Last change
        {latest === null ? null : (
          <>
            {': '}
            <a href={`/operations/${encodeURIComponent(latest.id)}`}>
              {latest.kind} {formatTime(latest.finishedAt ?? latest.createdAt)}
            </a>
          </>
        )}
      </h2>
      {latest?.changeSet ? (
        <ChangeSetView changeSet={latest.changeSet} />
      ) : (
        <p class="muted">No finished preview or apply yet.</p>
      )}

      <h2>Drift timeline</h2>
      {props.drift.length === 0 ? (
        <p class="muted">No drift check has run yet.</p>
      ) : (
        <ol class="timeline">
          {props.drift.map((result) => (
            <li>
              {formatTime(result.checkedAt)} <Badge value={result.status} />
              {result.status === 'drifted'
                ? ` ${result.resources.map((r) => r.name).join(', ')}`
                : null}
              {result.error ? <span class="muted"> {result.error}</span> : null}
              {result.suppressed ? <span class="muted"> (ignored)</span> : null}
            </li>
          ))}
        </ol>
      )}

      <h2>Operations</h2>
      <OperationTable operations={history} />
    </Layout>
  );
}

export function OperationTable(props: { operations: Operation[] }) {
  if (props.operations.length === 0) return <p class="muted">None yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Operation</th>
          <th>Status</th>
          <th>By</th>
          <th>Queued</th>
          <th>Finished</th>
        </tr>
      </thead>
      <tbody>
        {props.operations.map((op) => (
          <tr>
            <td>
              <a href={`/operations/${encodeURIComponent(op.id)}`}>{op.kind}</a>{' '}
              <code class="muted">{op.id}</code>
            </td>
            <td>
              <Badge value={op.status} />
            </td>
            <td>
              {op.actor} <span class="muted">via {op.channel}</span>
            </td>
            <td>{formatTime(op.createdAt)}</td>
            <td>{formatTime(op.finishedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function specValue(value: unknown) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="muted">none</span>;
    return (
      <ul>
        {value.map((item) => (
          <li>
            <code>{clip(String(item))}</code>
          </li>
        ))}
      </ul>
    );
  }
  return <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>;
}

/** SSH keys are long; the start and the comment are what a reader recognises. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 40)}…${text.slice(-16)}` : text;
}
