import type { Migration } from './index.ts';

// Idempotency-Key answers kept in the database, so that a retry landing on another replica (or
// after a restart) gets the first answer instead of queuing again. Keys are stored as a SHA-256
// of the token and the client's key; the response is what the API replays.

const sqlite = `
CREATE TABLE idempotency_keys (
  key_hash TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  response TEXT
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
`;

const postgres = `
CREATE TABLE idempotency_keys (
  key_hash text PRIMARY KEY,
  fingerprint text NOT NULL,
  expires_at timestamptz NOT NULL,
  response jsonb
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
`;

export const idempotency: Migration = {
  version: 3,
  name: 'idempotency keys',
  sqlite,
  postgres,
};
