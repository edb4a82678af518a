import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as oracle from 'jose';
import * as oidc from 'openid-client';
import { AUDIENCE, clientCreateArgs } from '../args.js';
import { freePort, kill, type Running, runCli, startCli } from './process.js';

const READY = /listening on (\S+) \(admin (\S+)\)/;

interface Ports {
  port: number;
  adminPort: number;
  issuer: string;
  adminUrl: string;
}

async function ports(): Promise<Ports> {
  const port = await freePort();
  const adminPort = await freePort();
  return { port, adminPort, issuer: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}` };
}

function serveArgs(dir: string, p: Ports, extra: string[] = ['--dev']): string[] {
  return [
    'serve',
    '--data',
    dir,
    '--port',
    String(p.port),
    '--admin-port',
    String(p.adminPort),
    '--issuer',
    p.issuer,
    ...extra,
  ];
}

/** `signet clients list --format json` against the server at `p`. */
function listClients(data: string, p: Ports) {
  return runCli(['clients', 'list', '--admin-url', p.adminUrl, '--data', data, '--format', 'json']);
}

async function createClient(dir: string, p: Ports): Promise<{ id: string; secret: string }> {
  const r = await runCli(clientCreateArgs(['--admin-url', p.adminUrl, '--data', dir], ['--format', 'json']));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { client: { client_id: string }; client_secret: string };
  assert.equal(typeof out.client_secret, 'string');
  return { id: out.client.client_id, secret: out.client_secret };
}

describe('e2e: signet serve as a real process', { timeout: 180_000 }, () => {
  let dir: string;
  let p: Ports;
  let server: Running | undefined;
  let client: { id: string; secret: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-e2e-'));
    p = await ports();
    server = await startCli(serveArgs(join(dir, 'data'), p), READY);
    client = await createClient(join(dir, 'data'), p);
  });
  after(async () => {
    await kill(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a first-run message naming what it created and what to try next', () => {
    const stderr = server?.stderr() ?? '';
    assert.match(stderr, /first run/);
    assert.match(stderr, /kek/);
    assert.match(stderr, /admin-token/);
    assert.match(stderr, /clients create/);
    assert.match(stderr, /curl .*grant_type=client_credentials/);
    assert.ok(
      !/[A-Za-z0-9_-]{43}/.test(stderr.replace(/https?:\S+/g, '')),
      'no secret-looking value in the message',
    );
  });

  it('issues a token to openid-client (RFC 8414 discovery) that jose verifies against the live JWKS', async () => {
    const config = await oidc.discovery(
      new URL(p.issuer),
      client.id,
      undefined,
      oidc.ClientSecretBasic(client.secret),
      {
        execute: [oidc.allowInsecureRequests],
        algorithm: 'oauth2',
      },
    );
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read', audience: AUDIENCE });
    const jwks = oracle.createRemoteJWKSet(new URL(`${p.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await oracle.jwtVerify(tokens.access_token, jwks, {
      issuer: p.issuer,
      audience: AUDIENCE,
      typ: 'at+jwt',
    });
    assert.equal(payload.sub, client.id);
    assert.equal(payload.client_id, client.id);
    assert.equal(payload.scope, 'orders:read');
    assert.equal(protectedHeader.alg, 'ES256');
  });

  it('the same with a private_key_jwt client registered through the CLI with a JWKS file', async () => {
    const { privateKey, publicKey } = await oracle.generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await oracle.exportJWK(publicKey)), kid: 'e2e-pk', alg: 'ES256', use: 'sig' };
    const jwksFile = join(dir, 'client-jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const r = await runCli([
      'clients',
      'create',
      '--name',
      's1-pk',
      '--scope',
      'orders:read',
      '--audience',
      AUDIENCE,
      '--jwks',
      jwksFile,
      '--admin-url',
      p.adminUrl,
      '--data',
      join(dir, 'data'),
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { client: { client_id: string }; client_secret?: string };
    assert.equal(out.client_secret, undefined);
    const config = await oidc.discovery(
      new URL(p.issuer),
      out.client.client_id,
      undefined,
      oidc.PrivateKeyJwt({ key: privateKey, kid: 'e2e-pk' }),
      { execute: [oidc.allowInsecureRequests], algorithm: 'oauth2' },
    );
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'orders:read' });
    const jwks = oracle.createRemoteJWKSet(new URL(`${p.issuer}/.well-known/jwks.json`));
    const { payload } = await oracle.jwtVerify(tokens.access_token, jwks, {
      issuer: p.issuer,
      audience: AUDIENCE,
    });
    assert.equal(payload.client_id, out.client.client_id);
  });

  it('signet token prints a raw token that signet jwt verify accepts against the live JWKS', async () => {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, `${client.secret}\n`, { mode: 0o600 });
    const t = await runCli([
      'token',
      '--issuer',
      p.issuer,
      '--client-id',
      client.id,
      '--client-secret-file',
      secretFile,
      '--audience',
      AUDIENCE,
    ]);
    assert.equal(t.code, 0, t.stderr);
    const token = t.stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const verifyArgs = [
      'jwt',
      'verify',
      '-',
      '--jwks',
      `${p.issuer}/.well-known/jwks.json`,
      '--issuer',
      p.issuer,
    ];
    const v = await runCli(
      [...verifyArgs, '--audience', AUDIENCE, '--alg', 'ES256', '--typ', 'at+jwt', '--format', 'json'],
      {
        stdin: token,
      },
    );
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).payload.client_id, client.id);
    const wrong = await runCli([...verifyArgs, '--audience', 'https://other.example', '--alg', 'ES256'], {
      stdin: token,
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /ERR_JWT_CLAIM_INVALID/);
  });

  it('signet token reads the secret from SIGNET_CLIENT_SECRET and fails with exit 1 on a wrong one', async () => {
    const ok = await runCli(['token', '--issuer', p.issuer, '--client-id', client.id, '--format', 'json'], {
      env: { SIGNET_CLIENT_SECRET: client.secret },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).token_type.toLowerCase(), 'bearer');
    const bad = await runCli(['token', '--issuer', p.issuer, '--client-id', client.id], {
      env: { SIGNET_CLIENT_SECRET: 'wrong-secret' },
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid_client/);
    assert.ok(!bad.stderr.includes('wrong-secret'));
  });

  it('stops gracefully on SIGTERM with exit 0', async () => {
    const running = server as Running;
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    assert.match(running.stderr(), /stopped/);
    server = undefined;
  });
});

describe('e2e: signet serve refuses to start without a KEK outside --dev', { timeout: 60_000 }, () => {
  it('exits 1 with a message that says how to get a KEK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signet-e2e-nokek-'));
    try {
      const p = await ports();
      const r = await runCli(serveArgs(dir, p, []));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /KEK/);
      assert.match(r.stderr, /signet init|--dev/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('e2e: kill -9 during issuance, restart on the same data directory', { timeout: 180_000 }, () => {
  let dir: string;
  let server: Running | undefined;
  after(async () => {
    await kill(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps clients and keys, serves the same JWKS, and every returned token still verifies', async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-e2e-kill-'));
    const data = join(dir, 'data');
    const p = await ports();
    server = await startCli(serveArgs(data, p), READY);
    const client = await createClient(data, p);
    const jwksBefore = await (await fetch(`${p.issuer}/.well-known/jwks.json`)).json();
    const listBefore = await listClients(data, p);
    assert.equal(listBefore.code, 0, listBefore.stderr);

    const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    const tokens: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${p.issuer}/token`, {
            method: 'POST',
            headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials',
          });
          if (res.status === 200) tokens.push(((await res.json()) as { access_token: string }).access_token);
        } catch {
          return; // the server died under us
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const deadline = Date.now() + 20_000;
    while (tokens.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await Promise.all(workers);
    assert.ok(tokens.length >= 200, `only ${tokens.length} tokens before the kill`);

    server = await startCli(serveArgs(data, p), READY);
    assert.ok(!/first run/.test(server.stderr()), 'a restart is not a first run');
    const jwksAfter = await (await fetch(`${p.issuer}/.well-known/jwks.json`)).json();
    assert.deepEqual(jwksAfter, jwksBefore);
    const listAfter = await listClients(data, p);
    assert.equal(listAfter.code, 0, listAfter.stderr);
    assert.deepEqual(JSON.parse(listAfter.stdout), JSON.parse(listBefore.stdout));

    const jwks = oracle.createLocalJWKSet(jwksAfter as oracle.JSONWebKeySet);
    for (const token of tokens) {
      await oracle.jwtVerify(token, jwks, { issuer: p.issuer, audience: AUDIENCE });
    }
    const fresh = await runCli(['token', '--issuer', p.issuer, '--client-id', client.id], {
      env: { SIGNET_CLIENT_SECRET: client.secret },
    });
    assert.equal(fresh.code, 0, fresh.stderr);
  });
});
