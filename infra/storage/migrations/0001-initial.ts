import type { Migration } from './index.ts';

// Timestamps: ISO-8601 UTC text in SQLite (they sort as text), timestamptz in Postgres.
// JSON: TEXT in SQLite, jsonb in Postgres. Operations keep no foreign key to properties so a
// removed property's history stays.

const sqlite = `
CREATE TABLE properties (
  slug TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  sandbox INTEGER NOT NULL,
  outputs TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE operations (
  id TEXT PRIMARY KEY,
  property TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  priority TEXT NOT NULL,
  actor TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  preview_id TEXT,
  summary TEXT NOT NULL,
  change_set TEXT,
  outputs TEXT,
  error TEXT,
  fingerprint TEXT
);
CREATE INDEX operations_property_created ON operations (property, created_at);
CREATE INDEX operations_status ON operations (status);

CREATE TABLE approvals (
  operation_id TEXT NOT NULL REFERENCES operations (id),
  approver TEXT NOT NULL,
  channel TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (operation_id, approver)
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  channel TEXT NOT NULL,
  action TEXT NOT NULL,
  property TEXT,
  operation_id TEXT,
  result TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_refuses_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_refuses_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);

CREATE TABLE schedules (
  scope TEXT PRIMARY KEY,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
`;

const postgres = `
CREATE TABLE properties (
  slug text PRIMARY KEY,
  spec jsonb NOT NULL,
  sandbox boolean NOT NULL,
  outputs jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE operations (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text PRIMARY KEY,
  property text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  priority text NOT NULL,
  actor text NOT NULL,
  channel text NOT NULL,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  preview_id text,
  summary text NOT NULL,
  change_set jsonb,
  outputs jsonb,
  error text,
  fingerprint text
);
CREATE INDEX operations_property_created ON operations (property, created_at);
CREATE INDEX operations_status ON operations (status);

CREATE TABLE approvals (
  operation_id text NOT NULL REFERENCES operations (id),
  approver text NOT NULL,
  channel text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (operation_id, approver)
);

CREATE TABLE audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  channel text NOT NULL,
  action text NOT NULL,
  property text,
  operation_id text,
  result text NOT NULL,
  detail text
);
CREATE INDEX audit_at ON audit (at);
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only';
END;
$$;
CREATE TRIGGER audit_refuses_change BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_refuses_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  scopes jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);

CREATE TABLE schedules (
  scope text PRIMARY KEY,
  cron text NOT NULL,
  timezone text NOT NULL,
  enabled boolean NOT NULL,
  updated_at timestamptz NOT NULL
);
`;

export const initial: Migration = { version: 1, name: 'initial schema', sqlite, postgres };
