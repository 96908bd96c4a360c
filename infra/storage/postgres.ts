/**
 * The production store: Postgres through a `pg` connection pool. Timestamps are timestamptz and
 * JSON is jsonb; both come back in the same shapes as from SQLite.
 */
import pg from 'pg';
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

// jsonb columns arrive parsed already.
const decoders: Decoders = { json: (value) => value };

/** Any fixed number: every BLKSHP process migrating this database takes the same lock. */
const MIGRATION_LOCK = 0x626c6b73;

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export interface PostgresOptions {
  /** Most connections the pool opens (default 10). */
  maxConnections?: number;
  /** Told about a pooled connection that failed while idle; the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

export class PostgresRepository implements Repository {
  readonly #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects (and checks the connection); call `migrate()` before use. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresRepository> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // Without a listener, an idle connection dropped by the server would crash the process.
    pool.on('error', (error) => options.onIdleError?.(error));
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      // The URL may hold a password, so the message names neither it nor the host.
      throw new BlkshpError(ERROR_CODES.configInvalid, 'cannot connect to the DATABASE_URL', {
        cause: error,
      });
    }
    return new PostgresRepository(pool);
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => Number(r.version)));
      const newest = Math.max(0, ...applied);
      if (newest > LATEST_VERSION) throw schemaTooNew(newest);

      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.postgres);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.name, now()],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  async insertProperty(property: StoredProperty): Promise<void> {
    try {
      await this.#query(
        `INSERT INTO properties (slug, spec, sandbox, outputs, created_at, updated_at)
         VALUES ($1, $2::jsonb, $3, $4::jsonb, $5, $6)`,
        [
          property.slug,
          JSON.stringify(property.spec),
          property.sandbox,
          encode('json', property.outputs),
          iso(property.createdAt),
          iso(property.updatedAt),
        ],
      );
    } catch (error) {
      if (pgCode(error) === UNIQUE_VIOLATION) throw propertyExists(property.slug);
      throw error;
    }
  }

  async updateProperty(
    slug: string,
    changes: Partial<Pick<StoredProperty, 'spec' | 'outputs' | 'sandbox'>>,
  ): Promise<void> {
    const values: unknown[] = [now()];
    const sets = ['updated_at = $1'];
    if (changes.spec !== undefined) {
      values.push(JSON.stringify(changes.spec));
      sets.push(`spec = $${values.length}::jsonb`);
    }
    if (changes.outputs !== undefined) {
      values.push(encode('json', changes.outputs));
      sets.push(`outputs = $${values.length}::jsonb`);
    }
    if (changes.sandbox !== undefined) {
      values.push(changes.sandbox);
      sets.push(`sandbox = $${values.length}`);
    }
    values.push(slug);
    const sql = `UPDATE properties SET ${sets.join(', ')} WHERE slug = $${values.length}`;
    const result = await this.#query(sql, values);
    if (result.rowCount === 0) throw notFound(`Property "${slug}"`);
  }

  async getProperty(slug: string): Promise<StoredProperty | null> {
    const { rows } = await this.#query('SELECT * FROM properties WHERE slug = $1', [slug]);
    return rows[0] ? toProperty(rows[0], decoders) : null;
  }

  async listProperties(): Promise<StoredProperty[]> {
    const { rows } = await this.#query('SELECT * FROM properties ORDER BY slug');
    return rows.map((r) => toProperty(r, decoders));
  }

  async deleteProperty(slug: string): Promise<void> {
    await this.#query('DELETE FROM properties WHERE slug = $1', [slug]);
  }

  async insertOperation(operation: NewOperation): Promise<Operation> {
    const { rows } = await this.#query(
      `INSERT INTO operations
         (id, property, kind, status, priority, actor, channel, created_at, preview_id, summary)
       VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        operation.id,
        operation.property,
        operation.kind,
        operation.priority,
        operation.actor,
        operation.channel,
        now(),
        operation.previewId,
        operation.summary,
      ],
    );
    return toOperation(rows[0] as Row, decoders);
  }

  async getOperation(id: string): Promise<Operation | null> {
    const { rows } = await this.#query('SELECT * FROM operations WHERE id = $1', [id]);
    return rows[0] ? toOperation(rows[0], decoders) : null;
  }

  async listOperations(query: OperationQuery = {}): Promise<Operation[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.property !== undefined) {
      values.push(query.property);
      where.push(`property = $${values.length}`);
    }
    if (query.kind !== undefined) {
      values.push(query.kind);
      where.push(`kind = $${values.length}`);
    }
    if (query.status !== undefined) {
      const statuses = Array.isArray(query.status) ? query.status : [query.status];
      if (statuses.length === 0) return [];
      values.push(statuses);
      where.push(`status = ANY($${values.length}::text[])`);
    }
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    let sql = `SELECT * FROM operations${filter} ORDER BY created_at DESC, seq DESC`;
    if (query.latestPerProperty) {
      sql =
        'SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY property ' +
        `ORDER BY created_at DESC, seq DESC) AS newest FROM operations${filter}) AS latest ` +
        'WHERE newest = 1 ORDER BY created_at DESC';
    }
    if (query.limit !== undefined) {
      values.push(query.limit);
      sql += ` LIMIT $${values.length}`;
    }
    const { rows } = await this.#query(sql, values);
    return rows.map((r) => toOperation(r, decoders));
  }

  async updateOperation(
    id: string,
    changes: Parameters<Repository['updateOperation']>[1],
  ): Promise<Operation> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, spec] of Object.entries(OPERATION_COLUMNS)) {
      const value = changes[field as keyof typeof changes];
      if (value === undefined) continue;
      values.push(encode(spec.kind, value));
      const cast = spec.kind === 'json' ? '::jsonb' : spec.kind === 'time' ? '::timestamptz' : '';
      sets.push(`${spec.column} = $${values.length}${cast}`);
    }
    values.push(id);
    const sql =
      sets.length > 0
        ? `UPDATE operations SET ${sets.join(', ')} WHERE id = $${values.length} RETURNING *`
        : 'SELECT * FROM operations WHERE id = $1';
    const { rows } = await this.#query(sql, values);
    if (!rows[0]) throw notFound(`Operation ${id}`);
    return toOperation(rows[0], decoders);
  }

  async transitionOperation(
    id: string,
    from: OperationStatus,
    to: OperationStatus,
  ): Promise<boolean> {
    // A concurrent taker blocks on the row lock, then re-checks `status = from` and finds none.
    const result = await this.#query(
      `UPDATE operations SET status = $1,
         started_at = CASE WHEN $2::boolean THEN COALESCE(started_at, $3::timestamptz)
                      ELSE started_at END,
         finished_at = CASE WHEN $4::boolean THEN COALESCE(finished_at, $3::timestamptz)
                       ELSE finished_at END
       WHERE id = $5 AND status = $6`,
      [to, to === 'running', now(), isFinished(to), id, from],
    );
    return result.rowCount === 1;
  }

  async insertApproval(approval: Approval): Promise<void> {
    try {
      await this.#query(
        'INSERT INTO approvals (operation_id, approver, channel, at) VALUES ($1, $2, $3, $4)',
        [approval.operationId, approval.approver, approval.channel, iso(approval.at)],
      );
    } catch (error) {
      if (pgCode(error) === FOREIGN_KEY_VIOLATION) {
        throw notFound(`Operation ${approval.operationId}`);
      }
      if (pgCode(error) === UNIQUE_VIOLATION) {
        throw new BlkshpError(ERROR_CODES.conflict, `${approval.approver} already approved this`);
      }
      throw error;
    }
  }

  async listApprovals(operationId: string): Promise<Approval[]> {
    const { rows } = await this.#query(
      'SELECT * FROM approvals WHERE operation_id = $1 ORDER BY at, approver',
      [operationId],
    );
    return rows.map(toApproval);
  }

  async appendAudit(entry: Omit<AuditRecord, 'id' | 'at'> & { at?: string }): Promise<AuditRecord> {
    const { rows } = await this.#query(
      `INSERT INTO audit (at, actor, channel, action, property, operation_id, result, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        entry.at === undefined ? now() : iso(entry.at),
        entry.actor,
        entry.channel,
        entry.action,
        entry.property,
        entry.operationId,
        entry.result,
        entry.detail,
      ],
    );
    return toAudit(rows[0] as Row);
  }

  async queryAudit(filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    for (const key of ['actor', 'property', 'action'] as const) {
      const value = filter[key];
      if (value === undefined) continue;
      values.push(value);
      where.push(`${key} = $${values.length}`);
    }
    if (filter.since !== undefined) {
      values.push(iso(filter.since));
      where.push(`at >= $${values.length}`);
    }
    let sql = 'SELECT * FROM audit';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY at DESC, id DESC';
    if (filter.limit !== undefined) {
      values.push(filter.limit);
      sql += ` LIMIT $${values.length}`;
    }
    const { rows } = await this.#query(sql, values);
    return rows.map(toAudit);
  }

  async insertToken(token: ApiTokenRecord): Promise<void> {
    try {
      await this.#query(
        `INSERT INTO api_tokens (id, name, hash, scopes, created_at, revoked_at, last_used_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
        [
          token.id,
          token.name,
          token.hash,
          JSON.stringify(token.scopes),
          iso(token.createdAt),
          encode('time', token.revokedAt),
          encode('time', token.lastUsedAt),
        ],
      );
    } catch (error) {
      if (pgCode(error) === UNIQUE_VIOLATION) {
        throw new BlkshpError(ERROR_CODES.conflict, `Token ${token.id} already exists`);
      }
      throw error;
    }
  }

  async findTokenByHash(hash: string): Promise<ApiTokenRecord | null> {
    const { rows } = await this.#query('SELECT * FROM api_tokens WHERE hash = $1', [hash]);
    return rows[0] ? toToken(rows[0], decoders) : null;
  }

  async listTokens(): Promise<ApiTokenRecord[]> {
    const { rows } = await this.#query('SELECT * FROM api_tokens ORDER BY created_at, id');
    return rows.map((r) => toToken(r, decoders));
  }

  async revokeToken(id: string, at: string): Promise<boolean> {
    const result = await this.#query(
      'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [iso(at), id],
    );
    return result.rowCount === 1;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.#query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [iso(at), id]);
  }

  async upsertSchedule(schedule: Schedule): Promise<void> {
    await this.#query(
      `INSERT INTO schedules (scope, cron, timezone, enabled, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone,
         enabled = excluded.enabled, updated_at = excluded.updated_at`,
      [schedule.scope, schedule.cron, schedule.timezone, schedule.enabled, iso(schedule.updatedAt)],
    );
  }

  async listSchedules(): Promise<Schedule[]> {
    const { rows } = await this.#query('SELECT * FROM schedules ORDER BY scope');
    return rows.map(toSchedule);
  }

  async deleteSchedule(scope: string): Promise<boolean> {
    const result = await this.#query('DELETE FROM schedules WHERE scope = $1', [scope]);
    return result.rowCount === 1;
  }

  async insertDriftResult(result: NewDriftResult): Promise<DriftResult | null> {
    const { rows } = await this.#query(
      `INSERT INTO drift_results
         (property, operation_id, checked_at, status, resources, error, signature, suppressed)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
       ON CONFLICT (operation_id) DO NOTHING RETURNING *`,
      [
        result.property,
        result.operationId,
        iso(result.checkedAt),
        result.status,
        JSON.stringify(result.resources),
        result.error,
        result.signature,
        result.suppressed,
      ],
    );
    return rows[0] ? toDriftResult(rows[0], decoders) : null;
  }

  async listDriftResults(query: DriftResultQuery = {}): Promise<DriftResult[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.property !== undefined) {
      values.push(query.property);
      where.push(`property = $${values.length}`);
    }
    if (query.since !== undefined) {
      values.push(iso(query.since));
      where.push(`checked_at >= $${values.length}`);
    }
    let sql = 'SELECT * FROM drift_results';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY checked_at DESC, id DESC';
    if (query.limit !== undefined) {
      values.push(query.limit);
      sql += ` LIMIT $${values.length}`;
    }
    const { rows } = await this.#query(sql, values);
    return rows.map((r) => toDriftResult(r, decoders));
  }

  async setDriftIgnore(ignore: DriftIgnore): Promise<void> {
    await this.#query(
      `INSERT INTO drift_ignores (property, until, actor, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (property) DO UPDATE SET until = excluded.until, actor = excluded.actor,
         created_at = excluded.created_at`,
      [ignore.property, iso(ignore.until), ignore.actor, iso(ignore.createdAt)],
    );
  }

  async getDriftIgnore(property: string): Promise<DriftIgnore | null> {
    const { rows } = await this.#query('SELECT * FROM drift_ignores WHERE property = $1', [
      property,
    ]);
    return rows[0] ? toDriftIgnore(rows[0]) : null;
  }

  async clearDriftIgnore(property: string): Promise<boolean> {
    const result = await this.#query('DELETE FROM drift_ignores WHERE property = $1', [property]);
    return result.rowCount === 1;
  }

  async reserveIdempotencyKey(
    record: Omit<IdempotencyRecord, 'response'>,
    now: string,
  ): Promise<IdempotencyRecord | null> {
    await this.#query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [iso(now)]);
    const inserted = await this.#query(
      `INSERT INTO idempotency_keys (key_hash, fingerprint, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key_hash) DO NOTHING RETURNING key_hash`,
      [record.keyHash, record.fingerprint, iso(record.expiresAt)],
    );
    if (inserted.rowCount === 1) return null;
    const { rows } = await this.#query('SELECT * FROM idempotency_keys WHERE key_hash = $1', [
      record.keyHash,
    ]);
    return rows[0] ? toIdempotencyRecord(rows[0], decoders) : null;
  }

  async completeIdempotencyKey(keyHash: string, response: IdempotentResponse): Promise<void> {
    await this.#query('UPDATE idempotency_keys SET response = $1 WHERE key_hash = $2', [
      JSON.stringify(response),
      keyHash,
    ]);
  }

  async releaseIdempotencyKey(keyHash: string): Promise<void> {
    await this.#query('DELETE FROM idempotency_keys WHERE key_hash = $1', [keyHash]);
  }

  async getStackSettings(stack: string): Promise<string | null> {
    const { rows } = await this.#query('SELECT content FROM stack_settings WHERE stack = $1', [
      stack,
    ]);
    return rows[0] ? String(rows[0].content) : null;
  }

  async putStackSettings(stack: string, content: string, at: string): Promise<void> {
    await this.#query(
      `INSERT INTO stack_settings (stack, content, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (stack) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`,
      [stack, content, iso(at)],
    );
  }

  async takeRateToken(request: RateBucketRequest): Promise<RateBucketState> {
    // Every SET expression reads the row as it was, so all three see the same refill.
    const refilled =
      'LEAST($2::float8, b.tokens + GREATEST(0, excluded.updated_ms - b.updated_ms) / 1000.0 * $3::float8)';
    const { rows } = await this.#query(
      `INSERT INTO rate_buckets AS b (key, tokens, allowed, updated_ms)
       VALUES ($1, $2::float8 - 1, true, $4)
       ON CONFLICT (key) DO UPDATE SET
         allowed = ${refilled} >= 1,
         tokens = ${refilled} - CASE WHEN ${refilled} >= 1 THEN 1 ELSE 0 END,
         updated_ms = GREATEST(b.updated_ms, excluded.updated_ms)
       RETURNING tokens, allowed`,
      [request.key, request.capacity, request.refillPerSecond, Math.floor(request.nowMs)],
    );
    const row = rows[0] as { tokens: number; allowed: boolean };
    return { allowed: row.allowed, tokens: Number(row.tokens) };
  }

  async insertWebhookDelivery(delivery: WebhookDelivery): Promise<void> {
    await this.#query(
      `INSERT INTO webhook_deliveries (id, event_id, event_type, property, target, status,
         attempts, last_status_code, last_error, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
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
      ],
    );
  }

  async updateWebhookDelivery(
    id: string,
    changes: Parameters<Repository['updateWebhookDelivery']>[1],
  ): Promise<void> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, spec] of Object.entries(WEBHOOK_DELIVERY_COLUMNS)) {
      const value = changes[field as keyof typeof changes];
      if (value === undefined) continue;
      values.push(spec.kind === 'time' && value !== null ? iso(String(value)) : value);
      sets.push(`${spec.column} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(id);
    const sql = `UPDATE webhook_deliveries SET ${sets.join(', ')} WHERE id = $${values.length}`;
    const result = await this.#query(sql, values);
    if (result.rowCount === 0) throw notFound(`Webhook delivery ${id}`);
  }

  async listWebhookDeliveries(
    query: { eventId?: string; limit?: number } = {},
  ): Promise<WebhookDelivery[]> {
    const values: unknown[] = [];
    let sql = 'SELECT * FROM webhook_deliveries';
    if (query.eventId !== undefined) {
      values.push(query.eventId);
      sql += ` WHERE event_id = $${values.length}`;
    }
    sql += ' ORDER BY created_at DESC, id DESC';
    if (query.limit !== undefined) {
      values.push(query.limit);
      sql += ` LIMIT $${values.length}`;
    }
    const { rows } = await this.#query(sql, values);
    return rows.map(toWebhookDelivery);
  }

  #query(sql: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
    return this.#pool.query<Row>(sql, values);
  }
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
