import type { Migration } from './index.ts';

// API rate-limit buckets shared by replicas: one row per API token, the tokens left and when
// they were last counted (milliseconds since the epoch, from the replica's clock). A single
// process keeps its buckets in memory; the table is there for every dialect so that schemas
// stay one sequence.

const sqlite = `
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  allowed INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
`;

const postgres = `
CREATE TABLE rate_buckets (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  allowed boolean NOT NULL,
  updated_ms bigint NOT NULL
);
`;

export const rateBuckets: Migration = {
  version: 5,
  name: 'rate buckets',
  sqlite,
  postgres,
};
