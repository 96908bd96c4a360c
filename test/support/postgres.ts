/**
 * A throwaway Postgres cluster from Debian's `postgresql` package for tests: initdb into a temp
 * directory, listening on a unix socket in that directory only (no TCP port), trust auth. As
 * root the server runs as the `postgres` user, because Postgres refuses to run as root.
 *
 * @example
 * const cluster = await startPostgres();
 * try { const url = await cluster.createDatabase(); ... } finally { await cluster.stop(); }
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresCluster {
  /** Directory holding the data directory, the log and the socket. */
  readonly dir: string;
  /** URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes the directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Directory of initdb and pg_ctl: `$PG_BIN`, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPostgresBin(): string | null {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  if (bin === null) {
    throw new Error('Postgres is not installed; run scripts/ensure-test-tools.sh');
  }

  const dir = await mkdtemp(join(tmpdir(), 'blkshp-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const asRoot = process.getuid?.() === 0;
  const exec = async (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    await run(file, argv, { cwd: dir });
  };

  let started = false;
  const stop = async () => {
    if (started) {
      started = false;
      await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await exec('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const serverOptions = `-k ${dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off`;
    await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', 'start']);
    started = true;
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '(no server log)');
    await stop();
    throw new Error(`could not start a test Postgres cluster:\n${log}`, { cause: error });
  }

  const urlFor = (database: string) =>
    `postgresql://postgres@localhost/${database}?host=${encodeURIComponent(dir)}`;
  const adminUrl = urlFor('postgres');
  let counter = 0;

  return {
    dir,
    adminUrl,
    async createDatabase(name = `test_${process.pid}_${++counter}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop,
  };
}
