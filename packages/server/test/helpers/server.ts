import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  type ConfigInput,
  createSignetServer,
  initDataDir,
  loadConfig,
  type SignetServer,
} from '../../src/index.js';

/** The real clock (for tests against real clients that check times themselves). */
export function realClock(): TestClock {
  return {
    now: Date.now,
    set: () => {
      throw new Error('the real clock cannot be set');
    },
    advance: () => {
      throw new Error('the real clock cannot be advanced');
    },
  };
}

/** A free loopback port (to configure the issuer URL before listening). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A settable millisecond clock. */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(seconds: number): void;
}

export function testClock(start = Date.UTC(2030, 0, 1)): TestClock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (s) => {
      t += s * 1000;
    },
  };
}

export interface TestServer {
  server: SignetServer;
  dir: string;
  adminToken: string;
  clock: TestClock;
  /** Creates a client through the admin API; returns the response body. */
  createClient(
    body: Record<string, unknown>,
  ): Promise<{ client: Record<string, unknown> & { client_id: string }; client_secret?: string }>;
  /** POST /token with a form body. */
  token(
    form: Record<string, string | string[]> | string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the admin API, narrowed by each test
  admin(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export function encodeForm(form: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** Builds a server on a fresh data directory with a real SQLite store; nothing listens. */
export async function startTestServer(
  flags: ConfigInput = {},
  options: { logger?: Logger; clock?: TestClock; fetch?: typeof fetch } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-server-test-'));
  const init = await initDataDir(dir);
  const clock = options.clock ?? testClock();
  const config = loadConfig({
    flags: { dataDir: dir, port: 0, adminPort: 0, logLevel: 'silent', ...flags },
    env: {},
  });
  const server = await createSignetServer(config, {
    now: clock.now,
    timers: false,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const adminToken = init.adminToken!;
  const admin = async (method: string, url: string, body?: unknown) => {
    const res = await server.admin.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${adminToken}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  return {
    server,
    dir,
    adminToken,
    clock,
    admin,
    async createClient(body) {
      const res = await admin('POST', '/admin/clients', body);
      if (res.status !== 201) throw new Error(`createClient: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async token(form, headers = {}) {
      const res = await server.public.inject({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: typeof form === 'string' ? form : encodeForm(form),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : {}, headers: res.headers };
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
