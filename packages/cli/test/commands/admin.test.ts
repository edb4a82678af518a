import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSignetServer, initDataDir, loadConfig, type SignetServer } from '@signet/server';
import { freePort } from '../e2e/process.js';
import { cli } from '../helpers.js';

const AUDIENCE = 'https://s2.example';

describe('admin commands against an in-process server (clients, keys, audit, revoke, token)', () => {
  let dir: string;
  let server: SignetServer;
  let issuer: string;
  let admin: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-admin-'));
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    await initDataDir(dir);
    const config = loadConfig({ flags: { dataDir: dir, port, adminPort: 0, issuer, logLevel: 'silent' } });
    server = await createSignetServer(config, { timers: false });
    const { adminUrl } = await server.listen();
    admin = ['--admin-url', adminUrl, '--data', dir];
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = async (extra: string[] = []) => {
    const r = await cli([
      'clients',
      'create',
      '--name',
      's1',
      '--scope',
      'orders:read orders:write',
      '--audience',
      AUDIENCE,
      ...admin,
      '--format',
      'json',
      ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { client: Record<string, unknown>; client_secret: string };
    return { id: out.client.client_id as string, secret: out.client_secret, client: out.client };
  };
  const token = (id: string, secret: string, extra: string[] = []) =>
    cli(['token', '--issuer', issuer, '--client-id', id, ...extra], {
      env: { SIGNET_CLIENT_SECRET: secret },
    });

  it('clients create prints the client_id and the secret once, and sends scopes, audiences and ttl', async () => {
    const c = await create(['--ttl', '2m', '--capability', 'introspect']);
    assert.match(c.secret, /^[\w-]{43,}$/);
    assert.deepEqual(c.client.scopes, ['orders:read', 'orders:write']);
    assert.deepEqual(c.client.audiences, [AUDIENCE]);
    assert.equal(c.client.token_ttl, 120);
    assert.deepEqual(c.client.capabilities, ['introspect']);
    const text = await cli(['clients', 'create', '--name', 's2', ...admin]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^client_id +\S+\nclient_secret +\S+\n$/);
    assert.match(text.stderr, /only this once/);
  });

  it('clients create --format env prints shell exports that signet token can use', async () => {
    const r = await cli([
      'clients',
      'create',
      '--name',
      'env',
      '--audience',
      AUDIENCE,
      ...admin,
      '--format',
      'env',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const env = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const m = /^export (\w+)='([^']*)'$/.exec(line);
          assert.ok(m, line);
          return [m[1], m[2]];
        }),
    ) as Record<string, string>;
    const t = await cli(['token', '--issuer', issuer], { env });
    assert.equal(t.code, 0, t.stderr);
  });

  it('clients list and show never print a secret', async () => {
    const c = await create();
    const list = await cli(['clients', 'list', ...admin, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const clients = (JSON.parse(list.stdout) as { clients: { client_id: string }[] }).clients;
    assert.ok(clients.some((x) => x.client_id === c.id));
    assert.ok(!list.stdout.includes(c.secret));
    const text = await cli(['clients', 'list', ...admin]);
    assert.match(text.stdout, /^CLIENT_ID +NAME +AUTH +SCOPES +AUDIENCES +DISABLED\n/);
    const show = await cli(['clients', 'show', c.id, ...admin]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`client_id +${c.id}`));
    assert.ok(!show.stdout.includes(c.secret));
  });

  it('token: a token that jwt verify accepts against the JWKS; scope narrowing; wrong secret exits 1', async () => {
    const c = await create();
    const t = await token(c.id, c.secret, ['--scope', 'orders:read', '--audience', AUDIENCE]);
    assert.equal(t.code, 0, t.stderr);
    const v = await cli([
      'jwt',
      'verify',
      t.stdout.trim(),
      '--jwks',
      `${issuer}/.well-known/jwks.json`,
      '--issuer',
      issuer,
      '--audience',
      AUDIENCE,
      '--alg',
      'ES256',
      '--format',
      'json',
    ]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).payload.scope, 'orders:read');
    const wide = await token(c.id, c.secret, ['--scope', 'admin:all']);
    assert.equal(wide.code, 1);
    assert.match(wide.stderr, /invalid_scope/);
    const bad = await token(c.id, 'not-the-secret');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_client/);
  });

  it('token: client_secret_post, secret from a file; missing secret or id is a usage error', async () => {
    const c = await create();
    const file = join(dir, 'secret.txt');
    writeFileSync(file, `${c.secret}\n`);
    const r = await cli([
      'token',
      '--issuer',
      issuer,
      '--client-id',
      c.id,
      '--client-secret-file',
      file,
      '--auth',
      'post',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await cli(['token', '--issuer', issuer, '--client-id', c.id])).code, 2);
    assert.equal((await cli(['token', '--issuer', issuer], { env: { SIGNET_CLIENT_SECRET: 'x' } })).code, 2);
    const both = await cli([
      'token',
      '--issuer',
      issuer,
      '--client-id',
      c.id,
      '--client-secret-file',
      file,
      '--client-secret',
      'x',
    ]);
    assert.equal(both.code, 2);
  });

  it('token: discovery refuses metadata for another issuer', async () => {
    const c = await create();
    const r = await token(c.id, c.secret, ['--issuer', issuer.replace('127.0.0.1', 'localhost')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /names issuer/);
  });

  it('rotate-secret: the new secret works and the old one keeps working during the grace period', async () => {
    const c = await create();
    const r = await cli(['clients', 'rotate-secret', c.id, '--grace', '1h', ...admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { client_secret: string };
    assert.notEqual(out.client_secret, c.secret);
    assert.equal((await token(c.id, out.client_secret)).code, 0);
    assert.equal((await token(c.id, c.secret)).code, 0);
    const noGrace = await cli([
      'clients',
      'rotate-secret',
      c.id,
      '--grace',
      '0',
      ...admin,
      '--format',
      'json',
    ]);
    const newest = (JSON.parse(noGrace.stdout) as { client_secret: string }).client_secret;
    assert.equal((await token(c.id, out.client_secret)).code, 1);
    assert.equal((await token(c.id, newest)).code, 0);
  });

  it('disable stops issuance; delete removes the client (show then exits 1 with ERR_ADMIN_NOT_FOUND)', async () => {
    const c = await create();
    const d = await cli(['clients', 'disable', c.id, ...admin, '--format', 'json']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).client.disabled, true);
    assert.equal((await token(c.id, c.secret)).code, 1);
    const del = await cli(['clients', 'delete', c.id, ...admin, '--format', 'json']);
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(JSON.parse(del.stdout), { deleted: c.id });
    const show = await cli(['clients', 'show', c.id, ...admin]);
    assert.equal(show.code, 1);
    assert.match(show.stderr, /not found/);
  });

  it('clients create rejects contradictory flags (exit 2) and reports server validation (exit 1)', async () => {
    assert.equal(
      (await cli(['clients', 'create', '--name', 'x', '--auth', 'private_key_jwt', ...admin])).code,
      2,
    );
    const both = await cli([
      'clients',
      'create',
      '--name',
      'x',
      '--jwks',
      'a',
      '--jwks-uri',
      'https://x',
      ...admin,
    ]);
    assert.equal(both.code, 2);
    const bad = await cli(['clients', 'create', '--name', 'x', '--capability', 'root', ...admin]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /HTTP 400/);
  });

  it('keys list, rotate and revoke', async () => {
    const list = await cli(['keys', 'list', ...admin, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const before = (JSON.parse(list.stdout) as { keys: { kid: string; state: string }[] }).keys;
    assert.ok(before.some((k) => k.state === 'active'));
    const rotated = await cli(['keys', 'rotate', ...admin, '--format', 'json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const after = (JSON.parse(rotated.stdout) as { keys: { kid: string; state: string }[] }).keys;
    const added = after.find((k) => !before.some((b) => b.kid === k.kid));
    assert.ok(added, 'rotate adds a key');
    const text = await cli(['keys', 'list', ...admin]);
    assert.match(text.stdout, /^KID +ALG +STATE/);
    const revoked = await cli(['keys', 'revoke', added.kid, ...admin, '--format', 'json']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(JSON.parse(revoked.stdout).key.kid, added.kid);
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    assert.ok(!jwks.keys.some((k) => k.kid === added.kid), 'a revoked key leaves the JWKS');
    const unknown = await cli(['keys', 'revoke', 'no-such-kid', ...admin]);
    assert.equal(unknown.code, 1);
  });

  it('revoke: exactly one target (exit 2 otherwise); a jti revocation is created', async () => {
    assert.equal((await cli(['revoke', ...admin])).code, 2);
    assert.equal((await cli(['revoke', '--jti', 'a', '--subject', 'b', ...admin])).code, 2);
    const r = await cli(['revoke', '--jti', 'jti-123', '--reason', 'test', ...admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rev = JSON.parse(r.stdout).revocation as Record<string, unknown>;
    assert.equal(rev.kind, 'jti');
    assert.equal(rev.value, 'jti-123');
    const kid = await cli(['revoke', '--kid', 'no-such-kid', ...admin]);
    assert.equal(kid.code, 1);
    assert.match(kid.stderr, /no such key/);
  });

  it('audit tail prints the latest events; --format json is one object per line', async () => {
    const c = await create();
    assert.equal((await token(c.id, c.secret)).code, 0);
    const r = await cli(['audit', 'tail', '-n', '5', ...admin, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; type: string });
    assert.equal(events.length, 5);
    assert.ok(events.some((e) => e.type === 'token.issued'));
    assert.ok(events.every((e, i) => i === 0 || e.id > (events[i - 1] as { id: number }).id));
    const text = await cli(['audit', 'tail', '-n', '2', ...admin]);
    assert.equal(text.stdout.trim().split('\n').length, 2);
    assert.ok(!text.stdout.includes(c.secret));
  });

  it('audit tail --follow prints new events until interrupted', async () => {
    const c = await create();
    let stop!: () => void;
    const signal = new Promise<void>((resolve) => (stop = resolve));
    const running = cli(
      ['audit', 'tail', '-n', '0', '--follow', '--interval', '1', ...admin, '--format', 'json'],
      {
        signal,
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await token(c.id, c.secret)).code, 0);
    await new Promise((r) => setTimeout(r, 1500));
    stop();
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.split('\n').some((line) => line.includes('token.issued')));
  });

  it('admin errors: a wrong token exits 1 (ERR_ADMIN_UNAUTHORIZED), an unreachable URL exits 1, no token is printed', async () => {
    const wrong = await cli([
      'keys',
      'list',
      '--admin-url',
      admin[1] as string,
      '--admin-token',
      'x'.repeat(43),
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /refused the admin token/);
    assert.ok(!wrong.stderr.includes('x'.repeat(43)));
    const port = await freePort();
    const down = await cli(['keys', 'list', '--admin-url', `http://127.0.0.1:${port}`, '--data', dir]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the admin API/);
    const noToken = await cli([
      'keys',
      'list',
      '--admin-url',
      admin[1] as string,
      '--data',
      join(dir, 'nowhere'),
    ]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /signet init/);
  });

  it('the admin token also comes from SIGNET_ADMIN_TOKEN or --admin-token-file -', async () => {
    const tokenText = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    const env = await cli(
      ['keys', 'list', '--admin-url', admin[1] as string, '--data', join(dir, 'nowhere')],
      {
        env: { SIGNET_ADMIN_TOKEN: tokenText },
      },
    );
    assert.equal(env.code, 0, env.stderr);
    const stdin = await cli(['keys', 'list', '--admin-url', admin[1] as string, '--admin-token-file', '-'], {
      stdin: tokenText,
    });
    assert.equal(stdin.code, 0, stdin.stderr);
  });
});

describe('signet init, config print, migrate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-cli-init-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('init creates the KEK and admin token files (0600) and prints the token once', async () => {
    const data = join(dir, 'data');
    const r = await cli(['init', '--data', data, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      created: string[];
      adminToken: string;
      kekFile: string;
      adminTokenFile: string;
    };
    assert.ok(existsSync(out.kekFile));
    assert.equal(statSync(out.kekFile).mode & 0o777, 0o600);
    assert.equal(statSync(out.adminTokenFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(out.adminTokenFile, 'utf8').trim(), out.adminToken);
    const again = await cli(['init', '--data', data, '--format', 'json']);
    assert.equal(again.code, 0);
    const second = JSON.parse(again.stdout) as { created: string[]; adminToken?: string };
    assert.deepEqual(second.created, []);
    assert.equal(second.adminToken, undefined);
  });

  it('config print: flags over env over defaults, secrets redacted', async () => {
    const kek = Buffer.alloc(32, 7).toString('base64url');
    const r = await cli(['config', 'print', '--port', '9999', '--format', 'json'], {
      env: { SIGNET_PORT: '7000', SIGNET_ADMIN_PORT: '7001', SIGNET_KEK: kek },
    });
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(c.port, 9999);
    assert.equal(c.adminPort, 7001);
    assert.equal(c.kek, '***');
    assert.ok(!r.stdout.includes(kek));
    const text = await cli(['config', 'print', '--db', 'postgres://u:hunter2@db/signet']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^signing\.alg: "ES256"$/m);
    assert.ok(!text.stdout.includes('hunter2'));
  });

  it('config print: an invalid config file or value exits 1 naming the setting', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'prot: 8080\n');
    const r = await cli(['config', 'print', '--config', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /prot/);
    assert.equal((await cli(['config', 'print', '--port', 'eighty'])).code, 2);
  });

  it('migrate status lists pending migrations; up applies them; status then has none pending', async () => {
    const db = `sqlite:${join(dir, 'm.db')}`;
    const before = await cli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.equal(before.code, 0, before.stderr);
    const s0 = JSON.parse(before.stdout) as { applied: string[]; pending: string[] };
    assert.ok(s0.pending.length > 0);
    const up = await cli(['migrate', 'up', '--db', db, '--format', 'json']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(JSON.parse(up.stdout).applied, s0.pending);
    const after = await cli(['migrate', 'status', '--db', db, '--format', 'json']);
    assert.deepEqual(JSON.parse(after.stdout).pending, []);
    const again = await cli(['migrate', 'up', '--db', db]);
    assert.match(again.stdout, /already at the latest schema/);
  });
});
