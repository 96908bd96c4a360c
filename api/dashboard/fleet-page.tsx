/**
 * The fleet: one row per property. On an empty sandbox installation it offers a button that
 * adds the demo property, so a first visit has something to look at.
 */
import type { PropertyRecord } from '../../infra/control-plane-api.ts';
import { Badge, formatTime, formatUsd, Layout, SandboxBadge } from './layout.tsx';

export interface FleetPageProps {
  properties: PropertyRecord[];
  sandboxMode: boolean;
  /** The visitor's token may add properties (the demo button needs `plan`). */
  canPlan: boolean;
  signedInAs: string;
  nonce: string | undefined;
}

export function FleetPage(props: FleetPageProps) {
  const { properties } = props;
  return (
    <Layout title="Fleet" nonce={props.nonce} signedInAs={props.signedInAs}>
      <h1>
        Fleet {props.sandboxMode ? <SandboxBadge /> : null}{' '}
        <span class="muted">
          {properties.length} {properties.length === 1 ? 'property' : 'properties'}
        </span>
      </h1>
      {properties.length === 0 ? (
        <EmptyFleet sandboxMode={props.sandboxMode} canPlan={props.canPlan} />
      ) : (
        <table>
          <thead>
            <tr>
              <th>Property</th>
              <th>Cloud</th>
              <th>Region</th>
              <th>Tier</th>
              <th>Last operation</th>
              <th>Drift</th>
              <th>Monthly estimate</th>
            </tr>
          </thead>
          <tbody>
            {properties.map((p) => (
              <FleetRow property={p} />
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function FleetRow(props: { property: PropertyRecord }) {
  const { spec, lastOperation: last, drift } = props.property;
  return (
    <tr>
      <td>
        <a href={`/properties/${encodeURIComponent(spec.slug)}`}>
          <strong>{spec.name}</strong>
        </a>{' '}
        {props.property.sandbox ? <SandboxBadge /> : null}
        <br />
        <code class="muted">{spec.slug}</code>
      </td>
      <td>{spec.cloud}</td>
      <td>{spec.region}</td>
      <td>{spec.tier}</td>
      <td>
        {last === null ? (
          <span class="muted">none</span>
        ) : (
          <a href={`/operations/${encodeURIComponent(last.id)}`}>
            {last.kind} <Badge value={last.status} />
            <br />
            <span class="muted">{formatTime(last.finishedAt ?? last.createdAt)}</span>
          </a>
        )}
      </td>
      <td>
        <Badge value={drift.status} />
        {drift.checkedAt === null ? null : (
          <>
            <br />
            <span class="muted">{formatTime(drift.checkedAt)}</span>
          </>
        )}
      </td>
      <td>{formatUsd(props.property.monthlyEstimateUsd)}</td>
    </tr>
  );
}

function EmptyFleet(props: { sandboxMode: boolean; canPlan: boolean }) {
  if (!props.sandboxMode) {
    return <p>No properties yet. Add one with the API, the command line or Slack.</p>;
  }
  return (
    <div class="card">
      <p>
        No properties yet. This installation runs on the offline sandbox cloud, so a demo property
        costs nothing: it is previewed, and you can apply it from the API or Slack.
      </p>
      {props.canPlan ? (
        <form method="post" action="/demo">
          <button type="submit">Create the demo property</button>
        </form>
      ) : (
        <p class="muted">Sign in with a token that has the "plan" scope to create it here.</p>
      )}
    </div>
  );
}
