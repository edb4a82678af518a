/** A scripted feed server (node:http) for protocol tests: what it sends is decided by the test. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Auth } from '../../src/index.js';

export interface FakeFeed {
  url: string;
  snapshot: { seq: number; entries: unknown[] };
  /** HTTP status of the next requests (200 = serve normally). */
  status: number;
  /** `Last-Event-ID` of every stream request, in order. */
  resumes: (string | undefined)[];
  snapshots: number;
  /** `Authorization` of every request. */
  authorizations: (string | undefined)[];
  /** Writes raw text to every open stream. */
  send(text: string): void;
  /** Sends one revocation event to every open stream. */
  event(entry: {
    seq: number;
    kind: string;
    value: string;
    not_before?: number | null;
    expires_at: number;
  }): void;
  openStreams(): number;
  /** Destroys every open stream's socket (a network cut). */
  cut(): void;
  close(): Promise<void>;
}

export async function startFakeFeed(): Promise<FakeFeed> {
  const streams = new Set<http.ServerResponse>();
  const feed: FakeFeed = {
    url: '',
    snapshot: { seq: 0, entries: [] },
    status: 200,
    resumes: [],
    snapshots: 0,
    authorizations: [],
    send(text) {
      for (const s of streams) s.write(text);
    },
    event(e) {
      feed.send(
        `event: revocation\nid: ${e.seq}\ndata: ${JSON.stringify({ not_before: null, reason: null, ...e })}\n\n`,
      );
    },
    openStreams: () => streams.size,
    cut() {
      for (const s of streams) s.socket?.destroy();
      streams.clear();
    },
    close: () =>
      new Promise((resolve) => {
        feed.cut();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    feed.authorizations.push(req.headers.authorization);
    if (feed.status !== 200) {
      res.writeHead(feed.status, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    if (req.url === '/revocations') {
      feed.snapshots++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(feed.snapshot));
      return;
    }
    if (req.url?.startsWith('/revocations/stream')) {
      const h = req.headers['last-event-id'];
      feed.resumes.push(typeof h === 'string' ? h : undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': ok\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return feed;
}

/** A verified-token stand-in for calling `feed.check` directly. */
export function authFor(claims: {
  jti?: string;
  sub?: string;
  client_id?: string;
  iat?: number;
  kid?: string;
}): Auth {
  const payload: { client_id: string; exp: number; sub?: string; jti?: string; iat?: number } = {
    client_id: claims.client_id ?? 'c',
    exp: 0,
  };
  if (claims.sub !== undefined) payload.sub = claims.sub;
  if (claims.jti !== undefined) payload.jti = claims.jti;
  if (claims.iat !== undefined) payload.iat = claims.iat;
  return {
    subject: claims.sub ?? payload.client_id,
    clientId: payload.client_id,
    scopes: [],
    jti: claims.jti,
    expiresAt: 0,
    claims: payload,
    payload,
    header: { alg: 'ES256', ...(claims.kid === undefined ? {} : { kid: claims.kid }) },
    token: '',
  };
}

/** Polls (bounded) until `predicate` holds. */
export async function until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
