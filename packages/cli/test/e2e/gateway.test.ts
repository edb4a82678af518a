import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUDIENCE, clientCreateArgs } from '../args.js';
import { freePort, kill, type Running, runCli, startCli } from './process.js';

describe('e2e: signet gateway in front of a real upstream', { timeout: 180_000 }, () => {
  let dir: string;
  let auth: Running | undefined;
  let gateway: Running | undefined;
  let upstream: Server;
  let gatewayUrl: string;
  let issuer: string;
  let seen: IncomingHttpHeaders[] = [];
  let adminArgs: string[] = [];
  const tokens: Record<'read' | 'write', string> = { read: '', write: '' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'signet-e2e-gw-'));
    const port = await freePort();
    const adminPort = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const data = join(dir, 'data');
    auth = await startCli(
      [
        'serve',
        '--dev',
        '--data',
        data,
        '--port',
        String(port),
        '--admin-port',
        String(adminPort),
        '--issuer',
        issuer,
      ],
      /listening on/,
    );
    const created = await runCli(
      clientCreateArgs(['--admin-url', `http://127.0.0.1:${adminPort}`, '--data', data], ['--format', 'env']),
    );
    assert.equal(created.code, 0, created.stderr);
    const env = Object.fromEntries(
      created.stdout
        .trim()
        .split('\n')
        .map((line) => /^export (\w+)='([^']*)'$/.exec(line)?.slice(1, 3) as [string, string]),
    );
    for (const scope of ['read', 'write'] as const) {
      const t = await runCli(['token', '--issuer', issuer, '--scope', `orders:${scope}`], { env });
      assert.equal(t.code, 0, t.stderr);
      tokens[scope] = t.stdout.trim();
    }

    const feedClient = await runCli([
      'clients',
      'create',
      '--name',
      'gateway-feed',
      '--capability',
      'revocations',
      '--admin-url',
      `http://127.0.0.1:${adminPort}`,
      '--data',
      data,
      '--format',
      'json',
    ]);
    assert.equal(feedClient.code, 0, feedClient.stderr);
    const feed = JSON.parse(feedClient.stdout) as { client: { client_id: string }; client_secret: string };
    const feedSecretFile = join(dir, 'feed-secret');
    writeFileSync(feedSecretFile, feed.client_secret, { mode: 0o600 });
    adminArgs = ['--admin-url', `http://127.0.0.1:${adminPort}`, '--data', data];

    upstream = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gwPort = await freePort();
    const started = await startCli(
      [
        'gateway',
        '--issuer',
        issuer,
        '--audience',
        AUDIENCE,
        '--upstream',
        upstreamUrl,
        '--port',
        String(gwPort),
        '--route',
        'GET /orders/* orders:read',
        '--route',
        'POST /orders/* orders:write',
        '--mode',
        'both',
        '--feed-client-id',
        feed.client.client_id,
        '--feed-client-secret-file',
        feedSecretFile,
      ],
      /gateway listening on (\S+)/,
    );
    gateway = started;
    gatewayUrl = started.match[1] as string;
  });
  after(async () => {
    await kill(gateway);
    await kill(auth);
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('proxies a request with a valid token and adds identity headers, stripping client-sent ones', async () => {
    seen = [];
    const res = await fetch(`${gatewayUrl}/orders/1`, {
      headers: { authorization: `Bearer ${tokens.read}`, 'x-auth-subject': 'forged' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { path: '/orders/1' });
    assert.equal(seen.length, 1);
    assert.notEqual(seen[0]?.['x-auth-subject'], 'forged');
    assert.equal(seen[0]?.['x-auth-scope'], 'orders:read');
    assert.match(String(seen[0]?.['x-auth-client-id']), /\S/);
  });

  it('answers 401 with WWW-Authenticate without a token, and 403 insufficient_scope for the wrong scope', async () => {
    seen = [];
    const none = await fetch(`${gatewayUrl}/orders/1`);
    assert.equal(none.status, 401);
    assert.match(String(none.headers.get('www-authenticate')), /^Bearer realm=/);
    const wrong = await fetch(`${gatewayUrl}/orders/1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.read}` },
    });
    assert.equal(wrong.status, 403);
    assert.match(String(wrong.headers.get('www-authenticate')), /insufficient_scope/);
    const tampered = await fetch(`${gatewayUrl}/orders/1`, {
      headers: { authorization: `Bearer ${tokens.read.slice(0, -4)}AAAA` },
    });
    assert.equal(tampered.status, 401);
    assert.match(String(tampered.headers.get('www-authenticate')), /invalid_token/);
    assert.equal(seen.length, 0, 'nothing rejected reaches the upstream');
  });

  it('serves forward auth: exactly 200 with identity headers, or 401/403', async () => {
    const ok = await fetch(`${gatewayUrl}/auth`, {
      headers: {
        authorization: `Bearer ${tokens.write}`,
        'x-original-method': 'POST',
        'x-original-uri': '/orders/2',
      },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-auth-scope'), 'orders:write');
    const denied = await fetch(`${gatewayUrl}/auth`, {
      headers: {
        authorization: `Bearer ${tokens.write}`,
        'x-original-method': 'GET',
        'x-original-uri': '/orders/2',
      },
    });
    assert.equal(denied.status, 403);
  });

  it('refuses bad flags with exit 2', async () => {
    const noUpstream = await runCli(['gateway', '--issuer', issuer, '--audience', AUDIENCE]);
    assert.equal(noUpstream.code, 2);
    assert.match(noUpstream.stderr, /--upstream/);
    const badRoute = await runCli([
      'gateway',
      '--issuer',
      issuer,
      '--audience',
      AUDIENCE,
      '--mode',
      'forward-auth',
      '--route',
      'GET orders',
    ]);
    assert.equal(badRoute.code, 2);
  });

  it('follows the revocation feed: a token revoked with signet revoke is refused within seconds', async () => {
    const url = `${gatewayUrl}/orders/7`;
    const auth = { authorization: `Bearer ${tokens.write}` };
    assert.equal((await fetch(url, { method: 'POST', headers: auth })).status, 200);
    assert.match(gateway?.stderr() ?? '', /following the revocation feed/);
    const payload = JSON.parse(Buffer.from(tokens.write.split('.')[1] as string, 'base64url').toString()) as {
      jti: string;
    };
    const r = await runCli(['revoke', '--jti', payload.jti, '--reason', 'e2e', ...adminArgs]);
    assert.equal(r.code, 0, r.stderr);
    const deadline = Date.now() + 5000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await fetch(url, { method: 'POST', headers: auth })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(status, 401);
    assert.equal(
      (await fetch(`${gatewayUrl}/orders/7`, { headers: { authorization: `Bearer ${tokens.read}` } })).status,
      200,
    );
  });

  it('stops on SIGTERM with exit 0', async () => {
    const running = gateway as Running;
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    gateway = undefined;
  });
});
