/**
 * The embedded store: one SQLite file through node:sqlite, in WAL mode so readers never wait for
 * the writer. Calls are synchronous underneath and wrapped in promises to fit the contract.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { AuditFilter, AuditRecord } from '../control-plane-api.ts';
import type { DriftResult, NewDriftResult } from '../drift/model.ts';
import { BlkshpError, ERROR_CODES, notFound } from '../errors.ts';
import { isFinished, type Operation, type OperationStatus } from '../operations/model.ts';
import { LATEST_VERSION, MIGRATIONS, schemaTooNew } from './migrations/index.ts';
import type {
  ApiTokenRecord,
  Approval,
  DriftIgnore,
  DriftResultQuery,
  IdempotencyRecord,
  IdempotentResponse,
  NewOperation,
  OperationQuery,
  RateBucketRequest,
  RateBucketState,
  Repository,
  Schedule,
  StoredProperty,
  WebhookDelivery,
} from './repository.ts';
import {
  type Decoders,
  encode,
  iso,
  now,
  OPERATION_COLUMNS,
  propertyExists,
  type Row,
  toApproval,
  toAudit,
  toDriftIgnore,
  toDriftResult,
  toIdempotencyRecord,
  toOperation,
  toProperty,
  toSchedule,
  toToken,
  toWebhookDelivery,
  WEBHOOK_DELIVERY_COLUMNS,
} from './rows.ts';

const decoders: Decoders = { json: (value) => JSON.parse(String(value)) };

const BUSY_TIMEOUT_MS = 5_000;

// SQLite extended result codes for constraint failures.
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export class SqliteRepository implements Repository {
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database file; call `migrate()` before use. */
  static async open(file: string): Promise<SqliteRepository> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = new DatabaseSync(file);
    try {
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
    } catch (error) {
      db.close();
      throw new BlkshpError(ERROR_CODES.internal, `cannot open the SQLite database ${file}`, {
        cause: error,
      });
    }
    return new SqliteRepository(db);
  }

  async migrate(): Promise<void> {
    const db = this.#db;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);

    // IMMEDIATE takes the write lock first, so two processes starting at once migrate in turn.
    db.exec('BEGIN IMMEDIATE');
    try {
      const rows = db.prepare('SELECT version FROM schema_migrations').all();
      const applied = new Set(rows.map((r) => Number(r.version)));
      const newest = Math.max(0, ...applied);
      if (newest > LATEST_VERSION) throw schemaTooNew(newest);

      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        db.exec(migration.sqlite);
        db.prepare(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        ).run(migration.version, migration.name, now());
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  async insertProperty(property: StoredProperty): Promise<void> {
    try {
      this.#run(
        `INSERT INTO properties (slug, spec, sandbox, outputs, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        property.slug,
        JSON.stringify(property.spec),
        property.sandbox ? 1 : 0,
        encode('json', property.outputs),
        iso(property.createdAt),
        iso(property.updatedAt),
      );
    } catch (error) {
      if (isConstraint(error, SQLITE_CONSTRAINT_PRIMARYKEY)) throw propertyExists(property.slug);
      throw error;
    }
  }

  async updateProperty(
    slug: string,
    changes: Partial<Pick<StoredProperty, 'spec' | 'outputs' | 'sandbox'>>,
  ): Promise<void> {
    const sets = ['updated_at = ?'];
    const values: SQLInputValue[] = [now()];
    if (changes.spec !== undefined) {
      sets.push('spec = ?');
      values.push(JSON.stringify(changes.spec));
    }
    if (changes.outputs !== undefined) {
      sets.push('outputs = ?');
      values.push(encode('json', changes.outputs));
    }
    if (changes.sandbox !== undefined) {
      sets.push('sandbox = ?');
      values.push(changes.sandbox ? 1 : 0);
    }
    const sql = `UPDATE properties SET ${sets.join(', ')} WHERE slug = ?`;
    if (this.#run(sql, ...values, slug) === 0) throw notFound(`Property "${slug}"`);
  }

  async getProperty(slug: string): Promise<StoredProperty | null> {
    const row = this.#get('SELECT * FROM properties WHERE slug = ?', slug);
    return row ? toProperty(row, decoders) : null;
  }

  async listProperties(): Promise<StoredProperty[]> {
    return this.#all('SELECT * FROM properties ORDER BY slug').map((r) => toProperty(r, decoders));
  }

  async deleteProperty(slug: string): Promise<void> {
    this.#run('DELETE FROM properties WHERE slug = ?', slug);
  }

  async insertOperation(operation: NewOperation): Promise<Operation> {
    this.#run(
      `INSERT INTO operations
         (id, property, kind, status, priority, actor, channel, created_at, preview_id, summary)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
      operation.id,
      operation.property,
      operation.kind,
      operation.priority,
      operation.actor,
      operation.channel,
      now(),
      operation.previewId,
      operation.summary,
    );
    return this.#operation(operation.id);
  }

  async getOperation(id: string): Promise<Operation | null> {
    const row = this.#get('SELECT * FROM operations WHERE id = ?', id);
    return row ? toOperation(row, decoders) : null;
  }

  async listOperations(query: OperationQuery = {}): Promise<Operation[]> {
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (query.property !== undefined) {
      where.push('property = ?');
      values.push(query.property);
    }
    if (query.kind !== undefined) {
      where.push('kind = ?');
      values.push(query.kind);
    }
    if (query.status !== undefined) {
      const statuses = Array.isArray(query.status) ? query.status : [query.status];
      if (statuses.length === 0) return [];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      values.push(...statuses);
    }
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    let sql = `SELECT * FROM operations${filter} ORDER BY created_at DESC, rowid DESC`;
    if (query.latestPerProperty) {
      sql =
        'SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY property ' +
        `ORDER BY created_at DESC, rowid DESC) AS newest FROM operations${filter}) ` +
        'WHERE newest = 1 ORDER BY created_at DESC';
    }
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      values.push(query.limit);
    }
    return this.#all(sql, ...values).map((r) => toOperation(r, decoders));
  }

  async updateOperation(
    id: string,
    changes: Parameters<Repository['updateOperation']>[1],
  ): Promise<Operation> {
    const sets: string[] = [];
    const values: SQLInputValue[] = [];
    for (const [field, spec] of Object.entries(OPERATION_COLUMNS)) {
      if (!(field in changes)) continue;
      const value = changes[field as keyof typeof changes];
      if (value === undefined) continue;
      sets.push(`${spec.column} = ?`);
      values.push(encode(spec.kind, value));
    }
    if (sets.length > 0) {
      const sql = `UPDATE operations SET ${sets.join(', ')} WHERE id = ?`;
      if (this.#run(sql, ...values, id) === 0) throw notFound(`Operation ${id}`);
    }
    return this.#operation(id);
  }

  async transitionOperation(
    id: string,
    from: OperationStatus,
    to: OperationStatus,
  ): Promise<boolean> {
    const at = now();
    const changed = this.#run(
      `UPDATE operations SET status = ?,
         started_at = CASE WHEN ? THEN COALESCE(started_at, ?) ELSE started_at END,
         finished_at = CASE WHEN ? THEN COALESCE(finished_at, ?) ELSE finished_at END
       WHERE id = ? AND status = ?`,
      to,
      to === 'running' ? 1 : 0,
      at,
      isFinished(to) ? 1 : 0,
      at,
      id,
      from,
    );
    return changed === 1;
  }

  async insertApproval(approval: Approval): Promise<void> {
    try {
      this.#run(
        'INSERT INTO approvals (operation_id, approver, channel, at) VALUES (?, ?, ?, ?)',
        approval.operationId,
        approval.approver,
        approval.channel,
        iso(approval.at),
      );
    } catch (error) {
      if (isConstraint(error, SQLITE_CONSTRAINT_FOREIGNKEY)) {
        throw notFound(`Operation ${approval.operationId}`);
      }
      if (isConstraint(error, SQLITE_CONSTRAINT_PRIMARYKEY)) {
        throw new BlkshpError(ERROR_CODES.conflict, `${approval.approver} already approved this`);
      }
      throw error;
    }
  }

  async listApprovals(operationId: string): Promise<Approval[]> {
    return this.#all(
      'SELECT * FROM approvals WHERE operation_id = ? ORDER BY at, approver',
      operationId,
    ).map(toApproval);
  }

  async appendAudit(entry: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord> {
    const row = this.#db
      .prepare(
        `INSERT INTO audit (at, actor, channel, action, property, operation_id, result, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        entry.at === undefined ? now() : iso(entry.at),
        entry.actor,
        entry.channel,
        entry.action,
        entry.property,
        entry.operationId,
        entry.result,
        entry.detail,
      );
    return toAudit(row as Row);
  }

  async queryAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    for (const [key, column] of [
      ['actor', 'actor'],
      ['property', 'property'],
      ['action', 'action'],
    ] as const) {
      const value = filter[key];
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      values.push(value);
    }
    if (filter.since !== undefined) {
      where.push('at >= ?');
      values.push(iso(filter.since));
    }
    let sql = 'SELECT * FROM audit';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY at DESC, id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      values.push(filter.limit);
    }
    return this.#all(sql, ...values).map(toAudit);
  }

  async insertToken(token: ApiTokenRecord): Promise<void> {
    try {
      this.#run(
        `INSERT INTO api_tokens (id, name, hash, scopes, created_at, revoked_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        token.id,
        token.name,
        token.hash,
        JSON.stringify(token.scopes),
        iso(token.createdAt),
        encode('time', token.revokedAt),
        encode('time', token.lastUsedAt),
      );
    } catch (error) {
      if (
        isConstraint(error, SQLITE_CONSTRAINT_PRIMARYKEY) ||
        isConstraint(error, SQLITE_CONSTRAINT_UNIQUE)
      ) {
        throw new BlkshpError(ERROR_CODES.conflict, `Token ${token.id} already exists`);
      }
      throw error;
    }
  }

  async findTokenByHash(hash: string): Promise<ApiTokenRecord | null> {
    const row = this.#get('SELECT * FROM api_tokens WHERE hash = ?', hash);
    return row ? toToken(row, decoders) : null;
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    return this.#all('SELECT * FROM api_tokens ORDER BY created_at, id').map((r) =>
      toToken(r, decoders),
    );
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const sql = 'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL';
    return this.#run(sql, iso(at), id) === 1;
  }

  async touchToken(id: string, at: string): Promise<void> {
    this.#run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', iso(at), id);
  }

  async upsertSchedule(schedule: Schedule): Promise<void> {
    this.#run(
      `INSERT INTO schedules (scope, cron, timezone, enabled, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone,
         enabled = excluded.enabled, updated_at = excluded.updated_at`,
      schedule.scope,
      schedule.cron,
      schedule.timezone,
      schedule.enabled ? 1 : 0,
      iso(schedule.updatedAt),
    );
  }

  async listSchedules(): Promise<Schedule[]> {
    return this.#all('SELECT * FROM schedules ORDER BY scope').map(toSchedule);
  }

  async deleteSchedule(scope: string): Promise<boolean> {
    return this.#run('DELETE FROM schedules WHERE scope = ?', scope) === 1;
  }

  async insertDriftResult(result: NewDriftResult): Promise<DriftResult | null> {
    const row = this.#get(
      `INSERT INTO drift_results
         (property, operation_id, checked_at, status, resources, error, signature, suppressed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (operation_id) DO NOTHING RETURNING *`,
      result.property,
      result.operationId,
      iso(result.checkedAt),
      result.status,
      JSON.stringify(result.resources),
      result.error,
      result.signature,
      result.suppressed ? 1 : 0,
    );
    return row ? toDriftResult(row, decoders) : null;
  }

  async listDriftResults(query: DriftResultQuery = {}): Promise<DriftResult[]> {
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (query.property !== undefined) {
      where.push('property = ?');
      values.push(query.property);
    }
    if (query.since !== undefined) {
      where.push('checked_at >= ?');
      values.push(iso(query.since));
    }
    let sql = 'SELECT * FROM drift_results';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY checked_at DESC, id DESC';
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      values.push(query.limit);
    }
    return this.#all(sql, ...values).map((r) => toDriftResult(r, decoders));
  }

  async setDriftIgnore(ignore: DriftIgnore): Promise<void> {
    this.#run(
      `INSERT INTO drift_ignores (property, until, actor, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (property) DO UPDATE SET until = excluded.until, actor = excluded.actor,
         created_at = excluded.created_at`,
      ignore.property,
      iso(ignore.until),
      ignore.actor,
      iso(ignore.createdAt),
    );
  }

  async getDriftIgnore(property: string): Promise<DriftIgnore | null> {
    const row = this.#get('SELECT * FROM drift_ignores WHERE property = ?', property);
    return row ? toDriftIgnore(row) : null;
  }

  async clearDriftIgnore(property: string): Promise<boolean> {
    return this.#run('DELETE FROM drift_ignores WHERE property = ?', property) === 1;
  }

  async reserveIdempotencyKey(
    record: Omit<IdempotencyRecord, 'response'>,
    now: string,
  ): Promise<IdempotencyRecord | null> {
    this.#run('DELETE FROM idempotency_keys WHERE expires_at <= ?', iso(now));
    const inserted = this.#get(
      `INSERT INTO idempotency_keys (key_hash, fingerprint, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash`,
      record.keyHash,
      record.fingerprint,
      iso(record.expiresAt),
    );
    if (inserted) return null;
    const row = this.#get('SELECT * FROM idempotency_keys WHERE key_hash = ?', record.keyHash);
    return row ? toIdempotencyRecord(row, decoders) : null;
  }

  async completeIdempotencyKey(keyHash: string, response: IdempotentResponse): Promise<void> {
    this.#run(
      'UPDATE idempotency_keys SET response = ? WHERE key_hash = ?',
      JSON.stringify(response),
      keyHash,
    );
  }

  async releaseIdempotencyKey(keyHash: string): Promise<void> {
    this.#run('DELETE FROM idempotency_keys WHERE key_hash = ?', keyHash);
  }

  async getStackSettings(stack: string): Promise<string | null> {
    const row = this.#get('SELECT content FROM stack_settings WHERE stack = ?', stack);
    return row ? String(row.content) : null;
  }

  async putStackSettings(stack: string, content: string, at: string): Promise<void> {
    this.#run(
      `INSERT INTO stack_settings (stack, content, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (stack) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`,
      stack,
      content,
      iso(at),
    );
  }

  async takeRateToken(request: RateBucketRequest): Promise<RateBucketState> {
    // Every SET expression reads the row as it was, so all three see the same refill.
    const refilled = 'MIN(?2, b.tokens + MAX(0, excluded.updated_ms - b.updated_ms) / 1000.0 * ?3)';
    const row = this.#get(
      `INSERT INTO rate_buckets AS b (key, tokens, allowed, updated_ms)
       VALUES (?1, ?2 - 1, 1, ?4)
       ON CONFLICT (key) DO UPDATE SET
         allowed = ${refilled} >= 1,
         tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END,
         updated_ms = MAX(b.updated_ms, excluded.updated_ms)
       RETURNING tokens, allowed`,
      request.key,
      request.capacity,
      request.refillPerSecond,
      Math.floor(request.nowMs),
    ) as { tokens: number; allowed: number };
    return { allowed: Boolean(row.allowed), tokens: Number(row.tokens) };
  }

  async insertWebhookDelivery(delivery: WebhookDelivery): Promise<void> {
    this.#run(
      `INSERT INTO webhook_deliveries (id, event_id, event_type, property, target, status,
         attempts, last_status_code, last_error, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      delivery.id,
      delivery.eventId,
      delivery.eventType,
      delivery.property,
      delivery.target,
      delivery.status,
      delivery.attempts,
      delivery.lastStatusCode,
      delivery.lastError,
      iso(delivery.createdAt),
      iso(delivery.updatedAt),
    );
  }

  async updateWebhookDelivery(
    id: string,
    changes: Parameters<Repository['updateWebhookDelivery']>[1],
  ): Promise<void> {
    const sets: string[] = [];
    const values: SQLInputValue[] = [];
    for (const [field, spec] of Object.entries(WEBHOOK_DELIVERY_COLUMNS)) {
      const value = changes[field as keyof typeof changes];
      if (value === undefined) continue;
      sets.push(`${spec.column} = ?`);
      values.push(spec.kind === 'time' && value !== null ? iso(String(value)) : value);
    }
    if (sets.length === 0) return;
    const sql = `UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE id = ?`;
    if (this.#run(sql, ...values, id) === 0) throw notFound(`Webhook delivery ${id}`);
  }

  async listWebhookDeliveries(
    query: { eventId?: string; limit?: number } = {},
  ): Promise<WebhookDelivery[]> {
    const values: SQLInputValue[] = [];
    let sql = 'SELECT * FROM webhook_deliveries';
    if (query.eventId !== undefined) {
      sql += ' WHERE event_id = ?';
      values.push(query.eventId);
    }
    sql += ' ORDER BY created_at DESC, rowid DESC';
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      values.push(query.limit);
    }
    return this.#all(sql, ...values).map(toWebhookDelivery);
  }

  #run(sql: string, ...values: SQLInputValue[]): number {
    return Number(this.#db.prepare(sql).run(...values).changes);
  }

  #get(sql: string, ...values: SQLInputValue[]): Row | undefined {
    return this.#db.prepare(sql).get(...values) as Row | undefined;
  }

  #all(sql: string, ...values: SQLInputValue[]): Row[] {
    return this.#db.prepare(sql).all(...values) as Row[];
  }

  #operation(id: string): Operation {
    const row = this.#get('SELECT * FROM operations WHERE id = ?', id);
    if (!row) throw notFound(`Operation ${id}`);
    return toOperation(row, decoders);
  }
}

function isConstraint(error: unknown, code: number): boolean {
  return (error as { errcode?: unknown } | null)?.errcode === code;
}
