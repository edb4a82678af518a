/**
 * Test helpers for the revocation feed: the real Auth service as a `signet serve` process (`spawnAuth`,
 * restartable on the same data directory and ports), and a client for its public and admin APIs.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call } from '../helpers/http.js';
import { freePort } from '../helpers/nginx.js';

export const AUDIENCE = 'https://orders.example';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** HTTP access to a running Auth service. */
export class AuthApi {
  constructor(
    readonly issuer: string,
    readonly adminUrl: string,
    readonly adminToken: string,
  ) {}

  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the admin API, narrowed by each test
  async admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const r = await call(`${this.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: r.body === '' ? undefined : r.json() };
  }

  /** Creates a client; returns its id and secret. */
  async client(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const r = await this.admin('POST', '/admin/clients', { name, audiences: [AUDIENCE], ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { id: r.body.client.client_id, secret: r.body.client_secret };
  }

  /** A feed subscriber's credentials (capability `revocations`). */
  feedClient(name = 'feed'): Promise<{ id: string; secret: string }> {
    return this.client(name, { capabilities: ['revocations'] });
  }

  async token(c: { id: string; secret: string }): Promise<string> {
    const r = await call(`${this.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: AUDIENCE }).toString(),
    });
    assert.equal(r.status, 200, r.body);
    return (r.json() as { access_token: string }).access_token;
  }

  /** POST /admin/revocations; returns the committed entry (with its seq). */
  async revoke(kind: string, value: string): Promise<{ seq: number; kind: string; value: string }> {
    const r = await this.admin('POST', '/admin/revocations', { kind, value, reason: 'test' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.revocation;
  }
}

/** The `kid` of a compact token's header. */
export function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}

/** The `jti` of a compact token. */
export function jtiOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
}

/** `signet serve` as a real process; `kill()` is kill -9, `start()` restarts on the same data and ports. */
export interface AuthProcess {
  api: AuthApi;
  dir: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnAuth(): Promise<AuthProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-feed-e2e-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const adminPort = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SIGNET_')) env[k] = v;
  env['SIGNET_LOG_LEVEL'] = 'silent';
  const start = async () => {
    const args = [
      '--conditions=signet-source',
      '--import',
      'tsx',
      'packages/cli/src/bin.ts',
      'serve',
      '--dev',
    ];
    args.push('--data', data, '--port', String(port), '--admin-port', String(adminPort), '--issuer', issuer);
    const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`signet serve not ready:\n${stderr}`)), 60_000);
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/listening on \S+ \(admin \S+\)/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`signet serve exited with ${code}:\n${stderr}`));
      });
    });
  };
  await start();
  const adminToken = readFileSync(join(data, 'admin-token'), 'utf8').trim();
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  return {
    api: new AuthApi(issuer, `http://127.0.0.1:${adminPort}`, adminToken),
    dir,
    start,
    kill,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
