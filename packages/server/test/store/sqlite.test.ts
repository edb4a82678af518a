import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createStore, parseDatabaseUrl } from '../../src/store/index.js';
import { revocation, runStoreConformance } from './conformance.js';

const root = mkdtempSync(join(tmpdir(), 'signet-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

runStoreConformance('sqlite', async () => `sqlite:${join(root, `db${++counter}`, 'signet.db')}`);

describe('sqlite store', () => {
  test('database URLs: sqlite: prefixes and plain paths are SQLite, postgres URLs are PostgreSQL', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite:/var/x.db'), { dialect: 'sqlite', path: '/var/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:///var/x.db'), { dialect: 'sqlite', path: '/var/x.db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:data/x.db'), { dialect: 'sqlite', path: 'data/x.db' });
    assert.deepEqual(parseDatabaseUrl('./signet-data/signet.db'), {
      dialect: 'sqlite',
      path: './signet-data/signet.db',
    });
    assert.equal(parseDatabaseUrl('postgres://u@h/db').dialect, 'postgres');
    assert.equal(parseDatabaseUrl('postgresql://u@h/db').dialect, 'postgres');
    assert.throws(() => parseDatabaseUrl('mysql://u@h/db'), TypeError);
    assert.throws(() => parseDatabaseUrl(''), TypeError);
  });

  test('creates the file and its directory, in WAL mode', async () => {
    const path = join(root, 'nested', 'deeper', 'signet.db');
    const store = await createStore(path);
    try {
      assert.equal(store.dialect, 'sqlite');
      await store.migrate();
      await store.addRevocation({
        kind: 'jti',
        value: 'x',
        notBefore: null,
        expiresAt: 10,
        reason: null,
        createdAt: 1,
      });
      assert.ok(existsSync(path));
      assert.ok(existsSync(`${path}-wal`), 'a write-ahead log exists while the database is open');
    } finally {
      await store.close();
    }
  });

  test('processes migrating one file at once apply each migration once', async () => {
    const url = `sqlite:${join(root, 'concurrent-migrate', 'signet.db')}`;
    const children = Array.from({ length: 4 }, () => spawnFixture(['migrate', url]));
    const exits = children.map((child) => collectExit(child));
    await Promise.all(children.map((child) => waitForLine(child, 'ready')));
    for (const child of children) child.stdin.write('go\n');
    for (const out of await Promise.all(exits)) assert.equal(out.code, 0, out.stderr);
    const store = await createStore(url);
    try {
      assert.deepEqual((await store.migrationStatus()).pending, []);
    } finally {
      await store.close();
    }
  });

  test('a write lock held past busy_timeout by another connection fails with ERR_STORE_UNAVAILABLE', async () => {
    const path = join(root, 'busy', 'signet.db');
    const store = await createStore(path, { busyTimeoutMs: 100 });
    const other = new Database(path);
    try {
      await store.migrate();
      other.exec('begin immediate');
      await assert.rejects(store.addRevocation(revocation('blocked')), { code: 'ERR_STORE_UNAVAILABLE' });
      other.exec('rollback');
      assert.equal((await store.addRevocation(revocation('free'))).value, 'free');
    } finally {
      other.close();
      await store.close();
    }
  });

  test('an acknowledged revocation survives kill -9 of the writer', async () => {
    const url = `sqlite:${join(root, 'durability', 'signet.db')}`;
    const child = spawnFixture(['write-and-hang', url]);
    const ack = await waitForLine(child, 'ack ');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const seq = Number(ack.split(' ')[1]);
    const store = await createStore(url);
    try {
      await store.migrate();
      const found = await store.readRevocations(seq - 1, 0, 10);
      assert.equal(found[0]?.seq, seq);
      assert.equal(found[0]?.value, 'killed-right-after');
      assert.equal(await store.lastRevocationSeq(), seq);
    } finally {
      await store.close();
    }
  });
});

const fixture = fileURLToPath(new URL('./fixtures/store-child.ts', import.meta.url));

function spawnFixture(args: string[]) {
  return spawn(process.execPath, ['--conditions=signet-source', '--import', 'tsx', fixture, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function collectExit(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

function waitForLine(child: ChildProcessWithoutNullStreams, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith(prefix));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${prefix}"`)));
  });
}
