/**
 * Builds the API app around the fake control plane with three fixed tokens, and small request
 * helpers. The app runs in memory through `app.request`.
 */
import pino from 'pino';
import { createApiApp } from '../../../api/app.ts';
import type { ApiDeps, VerifiedToken } from '../../../api/deps.ts';
import { FakeControlPlane } from '../../support/fake-control-plane.ts';
import { testPropertyInput } from '../../support/properties.ts';

export const TOKENS: Record<string, VerifiedToken> = {
  'read-token': { id: 'r1', name: 'dashboard', scopes: ['read'] },
  'plan-token': { id: 'p1', name: 'onboarding', scopes: ['plan'] },
  'apply-token': { id: 'a1', name: 'deployer', scopes: ['apply'] },
  'admin-token': { id: 'x1', name: 'root', scopes: ['admin'] },
};

export function buildApp(overrides: Partial<ApiDeps> = {}) {
  const controlPlane = new FakeControlPlane();
  const app = createApiApp({
    controlPlane,
    verifyToken: async (presented) => TOKENS[presented] ?? null,
    logger: pino({ level: 'silent' }),
    sandboxMode: true,
    version: '0.0.0-test',
    readiness: async () => ({ database: { ok: true }, engine: { ok: true } }),
    rateLimit: { capacity: 1000, refillPerSecond: 1000 },
    ...overrides,
  });
  return { app, controlPlane };
}

export function auth(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...extra };
}

export function jsonRequest(
  method: string,
  token: string,
  body: unknown,
  extra: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: auth(token, { 'content-type': 'application/json', ...extra }),
    body: JSON.stringify(body),
  };
}

export { testPropertyInput };

// biome-ignore lint/suspicious/noExplicitAny: assertions read whatever JSON came back
export type Json = any;

export function readJson(res: Response): Promise<Json> {
  return res.json() as Promise<Json>;
}
