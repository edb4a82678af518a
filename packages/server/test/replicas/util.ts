/** Small helpers of the replica tests: bounded HTTP, polling, audit reads. */
import { createServer } from 'node:net';
import type { Replica } from './cluster.js';

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Bounded JSON fetch: every request of these tests has a deadline, so a hang fails instead of stalling. */
export async function request(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const { timeoutMs = 5000, ...rest } = init;
  const res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** `Authorization: Basic` for a client (RFC 6749 §2.3.1). */
export function basic(id: string, secret: string): string {
  const form = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString('base64')}`;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the APIs, narrowed by each test
export type Json = any;

/** Polls `fn` (bounded) until it returns a value other than `undefined`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Every `jti` in the shared audit log's `token.issued` events, read page by page through `replica`. */
export async function auditedJtis(replica: Replica): Promise<Set<string>> {
  const jtis = new Set<string>();
  let after = 0;
  for (;;) {
    const r = await replica.admin('GET', `/admin/audit?after=${after}&limit=1000`, undefined, 15_000);
    if (r.status !== 200) throw new Error(`GET /admin/audit: ${r.status}`);
    const events = r.body.events as { type: string; data: { jti?: unknown } }[];
    for (const e of events)
      if (e.type === 'token.issued' && typeof e.data.jti === 'string') jtis.add(e.data.jti);
    if (events.length < 1000) return jtis;
    after = r.body.last as number;
  }
}

/** The `jti` of a compact JWT (no verification: the tests verify tokens separately). */
export function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  return payload.jti as string;
}
