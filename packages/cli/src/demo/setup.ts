import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoProcess, freePort, repoRoot, selfBin, startProcess, TS_ARGS } from './processes.js';

/** The audience of S2, and one of another service that S1 may also call. */
export const S2_AUDIENCE = 'https://s2.example';
export const OTHER_AUDIENCE = 'https://s3.example';

/** Everything the demo started. */
export interface Landscape {
  auth: DemoProcess;
  adminUrl: string;
  adminToken: string;
  s1Client: { id: string; secret: string };
  s2: DemoProcess;
  s1: DemoProcess;
  processes: DemoProcess[];
  dataDir: string;
  startGateway(): Promise<DemoProcess>;
  stop(): Promise<void>;
}

/**
 * Short timings so a rotation completes within seconds: keys are published 3 s before they sign
 * (≥ JWKS max-age 1 s + reload interval 1 s), tokens live 5 minutes as usual.
 */
const DEMO_CONFIG = `signing:
  jwksMaxAge: 1
  keyReloadInterval: 1
  publishAhead: 3
  rotationCheckInterval: 1
`;

async function admin<T>(url: string, token: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`admin API ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The admin API, authenticated. */
export type Admin = <T>(path: string, body?: unknown) => Promise<T>;

/** Starts Auth (with two clients), S2 and S1 as real processes on loopback. */
export async function startLandscape(): Promise<Landscape & { admin: Admin }> {
  const root = repoRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'signet-demo-'));
  const processes: DemoProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    writeFileSync(join(dataDir, 'demo.yaml'), DEMO_CONFIG);
    const [port, adminPort, s2Port, s1Port] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const issuer = `http://127.0.0.1:${port}`;
    const selfArgs = selfBin().endsWith('.ts') ? [...TS_ARGS, selfBin()] : [selfBin()];
    const auth = await startProcess(
      'Auth',
      [
        ...selfArgs,
        'serve',
        '--dev',
        ...['--data', join(dataDir, 'auth'), '--config', join(dataDir, 'demo.yaml')],
        ...['--port', String(port), '--admin-port', String(adminPort), '--issuer', issuer],
      ],
      { cwd: root, env: { SIGNET_LOG_LEVEL: 'warn' } },
    );
    processes.push(auth);
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    const adminToken = readFileSync(join(dataDir, 'auth', 'admin-token'), 'utf8').trim();
    const adminCall: Admin = (path, body) => admin(adminUrl, adminToken, path, body);

    type Created = { client: { client_id: string }; client_secret: string };
    const s1 = await adminCall<Created>('/admin/clients', {
      name: 's1',
      scopes: ['orders:read', 'orders:write'],
      audiences: [S2_AUDIENCE, OTHER_AUDIENCE],
    });
    const feed = await adminCall<Created>('/admin/clients', {
      name: 's2-feed',
      capabilities: ['revocations'],
    });
    const s1Client = { id: s1.client.client_id, secret: s1.client_secret };

    const s2 = await startProcess('S2', [...TS_ARGS, 'examples/s1-s2/s2.ts'], {
      cwd: root,
      env: {
        ISSUER: issuer,
        AUDIENCE: S2_AUDIENCE,
        PORT: String(s2Port),
        FEED_CLIENT_ID: feed.client.client_id,
        FEED_CLIENT_SECRET: feed.client_secret,
      },
    });
    processes.push(s2);
    const s1Process = await startProcess('S1', [...TS_ARGS, 'examples/s1-s2/s1.ts'], {
      cwd: root,
      env: {
        ISSUER: issuer,
        CLIENT_ID: s1Client.id,
        CLIENT_SECRET: s1Client.secret,
        AUDIENCE: S2_AUDIENCE,
        SCOPE: 'orders:read orders:write',
        S2_URL: s2.url,
        PORT: String(s1Port),
      },
    });
    processes.push(s1Process);

    const startGateway = async () => {
      const gateway = await startProcess(
        'gateway',
        [
          ...selfArgs,
          'gateway',
          ...['--issuer', issuer, '--audience', S2_AUDIENCE, '--upstream', s2.url],
          ...['--port', String(await freePort())],
          ...['--route', 'GET /orders orders:read', '--route', 'POST /orders orders:write'],
        ],
        { cwd: root },
      );
      processes.push(gateway);
      return gateway;
    };
    return {
      auth,
      adminUrl,
      adminToken,
      admin: adminCall,
      s1Client,
      s2,
      s1: s1Process,
      processes,
      dataDir,
      startGateway,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
