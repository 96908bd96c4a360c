/**
 * The page shell of the dashboard and the docs page: plain HTML and one small stylesheet, no
 * external assets (the service runs without outside network). The stylesheet and any script
 * carry the CSP nonce that secure-headers issued for this response.
 */

import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  nonce: string | undefined;
  /** Shows who is signed in and a sign-out button. */
  signedInAs?: string | undefined;
  /** Extra elements for <head>, e.g. a meta refresh inside <noscript>. */
  head?: Child;
  children?: Child;
}

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
header { background: #101820; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1rem;
  align-items: center; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
header .spacer { flex: 1; }
header form { margin: 0; }
main { padding: 1rem 1.2rem; max-width: 72rem; }
h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e3e6ea;
  vertical-align: top; font-size: .92rem; }
th { background: #eef0f3; font-weight: 600; }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { background: #fff; border: 1px solid #e3e6ea; padding: .6rem; overflow-x: auto; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .6rem; font-size: .75rem;
  font-weight: 600; background: #e3e6ea; }
.badge.sandbox { background: #ffe08a; color: #5c4400; }
.ok, .succeeded, .in-sync, .create { background: #d3f2dc; color: #14532d; }
.failed, .drifted, .interrupted, .delete, .mandatory { background: #fde0e0; color: #7f1d1d; }
.running, .queued, .update, .advisory { background: #dbe9ff; color: #1e3a8a; }
.replace, .remediate { background: #ffe8cc; color: #7c2d12; }
.muted { color: #6b7280; }
.card { background: #fff; border: 1px solid #e3e6ea; padding: .8rem 1rem; margin-bottom: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
button { font: inherit; padding: .35rem .8rem; cursor: pointer; }
input[type=password] { font: inherit; padding: .35rem; width: 24rem; max-width: 100%; }
ul.progress { list-style: none; padding: 0; font-family: ui-monospace, monospace;
  font-size: .85rem; }
`;

export function Layout(props: LayoutProps) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {/* An empty icon, so browsers do not ask for /favicon.ico. */}
          <link rel="icon" href="data:," />
          <title>{`${props.title} · BLKSHP`}</title>
          <style nonce={props.nonce}>{raw(STYLE)}</style>
          {props.head}
        </head>
        <body>
          <header>
            <a href="/">BLKSHP fleet</a>
            <a href="/docs">API</a>
            <span class="spacer" />
            {props.signedInAs === undefined ? null : (
              <form method="post" action="/logout">
                <span class="muted">{props.signedInAs} </span>
                <button type="submit">Sign out</button>
              </form>
            )}
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

/** A status, op or level as a coloured badge; the class names match the word. */
export function Badge(props: { value: string }) {
  return <span class={`badge ${props.value}`}>{props.value}</span>;
}

export function SandboxBadge() {
  return (
    <span class="badge sandbox" title="Runs on the offline sandbox cloud">
      SANDBOX
    </span>
  );
}

export function formatUsd(amount: number): string {
  const digits = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  return `$${amount.toLocaleString('en-US', digits)}`;
}

export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
