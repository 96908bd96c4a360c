import type { Migration } from './index.ts';

// Each stack's settings file (Pulumi.<stack>.yaml: its config, the generated secrets encrypted,
// the passphrase salt) kept in the database. Replicas then need no shared disk for work
// directories: a run writes the file from here before it starts and stores it back after.

const sqlite = `
CREATE TABLE stack_settings (
  stack TEXT PRIMARY KEY,
  content TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

const postgres = `
CREATE TABLE stack_settings (
  stack text PRIMARY KEY,
  content text NOT NULL,
  updated_at timestamptz NOT NULL
);
`;

export const stackSettings: Migration = {
  version: 4,
  name: 'stack settings',
  sqlite,
  postgres,
};
