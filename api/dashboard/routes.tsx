/**
 * The dashboard's pages, server-rendered and usable without JavaScript. A `read` token opens
 * them, sent as a bearer header or kept in the `blkshp_token` cookie that /login sets; a visitor
 * without one is sent to /login.
 */

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { demoPropertyInput } from '../../infra/demo.ts';
import { notFound } from '../../infra/errors.ts';
import type { ApiEnv } from '../env.ts';
import { grants, requireScope, TOKEN_COOKIE, tokenAuth } from '../middleware/auth.ts';
import { HTTP_ERROR_CODES, ProblemError } from '../problems.ts';
import type { RouteContext } from '../routes/context.ts';
import { FleetPage } from './fleet-page.tsx';
import { LoginPage } from './login-page.tsx';
import { OperationPage } from './operation-page.tsx';
import { PropertyPage } from './property-page.tsx';

/** A signed-in browser keeps its token this long; then the visitor signs in again. */
const COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60;
const HISTORY_LENGTH = 20;

export interface DashboardOptions {
  onDenied: Parameters<typeof tokenAuth>[0]['onDenied'];
}

export function registerDashboard(
  app: OpenAPIHono<ApiEnv>,
  { deps }: RouteContext,
  options: DashboardOptions,
) {
  const { controlPlane } = deps;
  const pageAuth = tokenAuth({
    verifyToken: deps.verifyToken,
    allowCookie: true,
    onDenied: options.onDenied,
    onUnauthenticated: (c) => c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303),
  });
  const nonce = (c: Context<ApiEnv>) => c.get('secureHeadersNonce');
  const who = (c: Context<ApiEnv>) => c.var.principal.name;
  const sameOrigin = csrf();

  app.get('/', pageAuth, requireScope('read'), async (c) => {
    const properties = await controlPlane.listProperties();
    const canPlan = grants(c.var.principal.scopes, 'plan');
    return c.html(
      <FleetPage
        properties={properties}
        sandboxMode={deps.sandboxMode}
        canPlan={canPlan}
        signedInAs={who(c)}
        nonce={nonce(c)}
      />,
    );
  });

  app.get('/properties/:slug', pageAuth, requireScope('read'), async (c) => {
    const slug = c.req.param('slug');
    const property = await controlPlane.getProperty(slug);
    if (property === null) throw notFound(`Property ${slug}`);
    const [history, drift] = await Promise.all([
      controlPlane.listOperations({ property: slug, limit: HISTORY_LENGTH }),
      controlPlane.driftHistory(slug, HISTORY_LENGTH),
    ]);
    return c.html(
      <PropertyPage
        property={property}
        history={history}
        drift={drift}
        signedInAs={who(c)}
        nonce={nonce(c)}
      />,
    );
  });

  app.get('/operations/:id', pageAuth, requireScope('read'), async (c) => {
    const id = c.req.param('id');
    const operation = await controlPlane.getOperation(id);
    if (operation === null) throw notFound(`Operation ${id}`);
    return c.html(<OperationPage operation={operation} signedInAs={who(c)} nonce={nonce(c)} />);
  });

  app.post('/demo', sameOrigin, pageAuth, requireScope('plan'), async (c) => {
    if (!deps.sandboxMode) {
      throw new ProblemError(
        HTTP_ERROR_CODES.notImplemented,
        'The demo property is only offered on a sandbox installation',
      );
    }
    const input = (deps.demoPropertyInput ?? demoPropertyInput)();
    const { preview } = await controlPlane.addProperty(input, c.var.principal.actor);
    const target = preview.accepted
      ? `/operations/${encodeURIComponent(preview.operation.id)}`
      : '/';
    return c.redirect(target, 303);
  });

  app.get('/login', (c) => {
    return c.html(<LoginPage nonce={nonce(c)} next={safeNext(c.req.query('next'))} />);
  });

  app.post('/login', sameOrigin, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const verified = token === '' ? null : await deps.verifyToken(token);
    if (verified === null) {
      options.onDenied?.(c, { reason: 'invalid', tokenId: null, scope: null });
      c.status(401);
      return c.html(<LoginPage nonce={nonce(c)} next={next} error="That token is not valid." />);
    }
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: isHttps(c),
      maxAge: COOKIE_MAX_AGE_SECONDS,
    });
    c.var.log.info({ actor: `token:${verified.id}` }, 'dashboard sign-in');
    return c.redirect(next, 303);
  });

  app.post('/logout', sameOrigin, (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/', secure: isHttps(c) });
    return c.redirect('/login', 303);
  });
}

/** Only a local path: an open redirect to another site is a phishing aid. */
function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (next.includes('\\')) return '/';
  return next;
}

/** Behind a TLS-terminating proxy the request URL is http; the proxy's header tells the truth. */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}
