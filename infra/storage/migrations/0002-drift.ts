import type { Migration } from './index.ts';

// Drift history, per-property "ignore until", and the outgoing webhook delivery log.
// A drift result names its operation once (unique), so recording one twice is a no-op.

const sqlite = `
CREATE TABLE drift_results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  property TEXT NOT NULL,
  operation_id TEXT NOT NULL UNIQUE,
  checked_at TEXT NOT NULL,
  status TEXT NOT NULL,
  resources TEXT NOT NULL,
  error TEXT,
  signature TEXT,
  suppressed INTEGER NOT NULL
);
CREATE INDEX drift_results_property_checked ON drift_results (property, checked_at);

CREATE TABLE drift_ignores (
  property TEXT PRIMARY KEY,
  until TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  property TEXT,
  target TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
`;

const postgres = `
CREATE TABLE drift_results (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  property text NOT NULL,
  operation_id text NOT NULL UNIQUE,
  checked_at timestamptz NOT NULL,
  status text NOT NULL,
  resources jsonb NOT NULL,
  error text,
  signature text,
  suppressed boolean NOT NULL
);
CREATE INDEX drift_results_property_checked ON drift_results (property, checked_at);

CREATE TABLE drift_ignores (
  property text PRIMARY KEY,
  until timestamptz NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  event_id text NOT NULL,
  event_type text NOT NULL,
  property text,
  target text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
`;

export const drift: Migration = {
  version: 2,
  name: 'drift history and notifications',
  sqlite,
  postgres,
};
