/**
 * One operation. Without JavaScript the page refreshes itself while the operation runs and
 * shows the final state when it is done; with JavaScript a few lines follow the SSE stream and
 * list resources as the engine reports them, then reload once it finishes.
 */
import { raw } from 'hono/html';
import { isFinished, type Operation } from '../../infra/operations/model.ts';
import { ChangeSetView } from './change-set.tsx';
import { Badge, formatTime, Layout } from './layout.tsx';

export interface OperationPageProps {
  operation: Operation;
  signedInAs: string;
  nonce: string | undefined;
}

const REFRESH_SECONDS = 5;

/**
 * Follows `/v1/operations/<id>/events` (the cookie authenticates it), appends one line per
 * resource or log event, and reloads on `finished` to show the server-rendered result. The URL
 * comes from a data attribute, never from string-built script.
 */
const FOLLOW_SCRIPT = `
(function () {
  var root = document.getElementById('live');
  if (!root || !window.EventSource) return;
  var list = document.getElementById('progress');
  var status = document.getElementById('status');
  var source = new EventSource(root.getAttribute('data-events'));
  function line(text) {
    var li = document.createElement('li');
    li.textContent = text;
    list.appendChild(li);
  }
  source.addEventListener('status', function (e) {
    var data = JSON.parse(e.data);
    status.textContent = data.status;
    status.className = 'badge ' + data.status;
  });
  source.addEventListener('resource', function (e) {
    var d = JSON.parse(e.data);
    var count = d.total > 0 ? ' (' + d.done + '/' + d.total + ')' : '';
    line(d.phase + ' ' + d.op + ' ' + d.resourceType + ' ' + d.urn.split('::').pop() + count);
  });
  source.addEventListener('log', function (e) { line(JSON.parse(e.data).line); });
  source.addEventListener('finished', function () { source.close(); location.reload(); });
  source.addEventListener('error', function () {
    if (source.readyState === 2) line('stream closed');
  });
})();
`;

export function OperationPage(props: OperationPageProps) {
  const op = props.operation;
  const running = !isFinished(op.status);
  const head = running ? (
    <noscript>
      <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} />
    </noscript>
  ) : null;
  const events = `/v1/operations/${encodeURIComponent(op.id)}/events`;
  const propertyHref = `/properties/${encodeURIComponent(op.property)}`;
  return (
    <Layout
      title={`${op.kind} ${op.property}`}
      nonce={props.nonce}
      signedInAs={props.signedInAs}
      head={head}
    >
      <h1>
        {op.kind} of <a href={propertyHref}>{op.property}</a>{' '}
        <span id="status" class={`badge ${op.status}`}>
          {op.status}
        </span>
      </h1>
      <div class="card">
        <dl>
          <dt>Operation</dt>
          <dd>
            <code>{op.id}</code>
          </dd>
          <dt>Requested by</dt>
          <dd>
            {op.actor} <span class="muted">via {op.channel}</span>
          </dd>
          {op.previewId === null ? null : (
            <>
              <dt>Carries out</dt>
              <dd>
                <a href={`/operations/${encodeURIComponent(op.previewId)}`}>{op.previewId}</a>
              </dd>
            </>
          )}
          {op.summary === '' ? null : (
            <>
              <dt>Summary</dt>
              <dd>{op.summary}</dd>
            </>
          )}
          <dt>Queued</dt>
          <dd>{formatTime(op.createdAt)}</dd>
          <dt>Started</dt>
          <dd>{formatTime(op.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{formatTime(op.finishedAt)}</dd>
        </dl>
      </div>
      {op.error === null ? null : (
        <div class="card">
          <Badge value="failed" /> {op.error}
        </div>
      )}
      {running ? (
        <div id="live" data-events={events}>
          <p class="muted">
            Running. This page follows the engine and shows the result when it is done.
          </p>
          <ul id="progress" class="progress" />
          <script nonce={props.nonce}>{raw(FOLLOW_SCRIPT)}</script>
        </div>
      ) : null}
      {op.changeSet === null ? null : (
        <>
          <h2>Changes</h2>
          <ChangeSetView changeSet={op.changeSet} />
        </>
      )}
      {op.outputs === null ? null : (
        <>
          <h2>Outputs</h2>
          <pre>{JSON.stringify(op.outputs, null, 2)}</pre>
        </>
      )}
    </Layout>
  );
}
