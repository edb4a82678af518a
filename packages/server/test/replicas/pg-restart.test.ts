/**
 * PostgreSQL crashes and comes back under load, with two real replicas on it. While it is down the
 * replicas answer 503 with `Retry-After` (never another 5xx, never a hang: every request here has a
 * deadline), `/readyz` fails; when it returns both recover by themselves, the revocation feed
 * resumes across replicas, and nothing acknowledged before, during or after is lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRevocationFeed } from '@signet/guard';
import * as oracle from 'jose';
import {
  auditedJtis,
  basic,
  type Cluster,
  jtiOf,
  type Replica,
  request,
  startCluster,
  waitFor,
} from './cluster.js';

const AUD = 'https://orders.example';
/** Deadline of every request: a 503 must come well before it. */
const DEADLINE_MS = 8000;

interface Tally {
  byStatus: Map<number, number>;
  timeouts: number;
  errors: number;
  /** 503s without a Retry-After header. */
  noRetryAfter: number;
  tokens: string[];
  revoked: { seq: number; value: string }[];
}

function record(tally: Tally, status: number, headers: Headers): void {
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  if (status === 503 && !/^\d+$/.test(headers.get('retry-after') ?? '')) tally.noRetryAfter++;
}

function failure(tally: Tally, err: unknown): void {
  if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') tally.timeouts++;
  else tally.errors++;
}

async function readyStatus(r: Replica): Promise<number> {
  try {
    return (await request(`${r.publicUrl}/readyz`, { timeoutMs: 4000 })).status;
  } catch {
    return 0;
  }
}

test('a PostgreSQL restart under load: 503 + Retry-After, then recovery, nothing acknowledged lost', {
  timeout: 150_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  const pg = cluster.pg;
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
  const replicas = [a, b];

  const mk = async (body: Record<string, unknown>) => {
    const r = await a.admin('POST', '/admin/clients', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { id: r.body.client.client_id as string, secret: r.body.client_secret as string };
  };
  const s1 = await mk({ name: 's1', audiences: [AUD] });
  const feedClient = await mk({ name: 'feed', capabilities: ['revocations'] });
  const rs = await mk({ name: 'rs', capabilities: ['introspect'] });
  const feed = createRevocationFeed({
    url: a.publicUrl,
    clientId: feedClient.id,
    clientSecret: feedClient.secret,
  });
  t.after(() => feed.close());
  await feed.ready(10_000);

  const tally: Tally = {
    byStatus: new Map(),
    timeouts: 0,
    errors: 0,
    noRetryAfter: 0,
    tokens: [],
    revoked: [],
  };
  let stop = false;
  const issuer = async (r: Replica) => {
    while (!stop) {
      try {
        const res = await r.token(s1.id, s1.secret, { audience: AUD }, DEADLINE_MS);
        record(tally, res.status, res.headers);
        if (res.status === 200) tally.tokens.push(res.body.access_token as string);
      } catch (err) {
        failure(tally, err);
      }
      await new Promise((x) => setTimeout(x, 10));
    }
  };
  const revoker = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const value = `pg-restart-${n}-${i}`;
      try {
        const res = await replicas[i % 2]!.admin('POST', '/admin/revocations', { kind: 'jti', value });
        record(tally, res.status, res.headers);
        if (res.status === 201) tally.revoked.push({ seq: res.body.revocation.seq as number, value });
      } catch (err) {
        failure(tally, err);
      }
      await new Promise((x) => setTimeout(x, 50));
    }
  };
  const workers = [issuer(a), issuer(a), issuer(b), issuer(b), revoker(1)];
  await waitFor('some load before the crash', () => (tally.tokens.length >= 40 ? true : undefined), 20_000);
  const before = { tokens: tally.tokens.length, revoked: tally.revoked.length };

  // Crash PostgreSQL.
  await pg.shutdown('immediate');
  const down = Date.now();
  for (const r of replicas) {
    await waitFor(
      `${r.name} /readyz to fail`,
      async () => ((await readyStatus(r)) === 503 ? true : undefined),
      8000,
      200,
    );
  }
  // The token endpoint reads client records from a cache (clientAuth.cacheTtl, 5 s): stay down longer.
  const tokens503 = await waitFor(
    'the token endpoint to answer 503 with Retry-After',
    async () => {
      const res = await b.token(s1.id, s1.secret, { audience: AUD }, DEADLINE_MS);
      return res.status === 503 ? res : undefined;
    },
    15_000,
    250,
  );
  assert.equal(tokens503.body.error, 'temporarily_unavailable');
  assert.match(tokens503.headers.get('retry-after') ?? '', /^\d+$/);
  assert.equal(tokens503.headers.get('cache-control'), 'no-store');
  const revokeDown = await b.admin('POST', '/admin/revocations', { kind: 'jti', value: 'while-down' });
  assert.equal(revokeDown.status, 503, 'an unacknowledged revocation is refused, not lost silently');
  // What verifiers need keeps working from memory; everything else is 503 + Retry-After, never 500.
  const probe = tally.tokens[0] as string;
  const outage = {
    jwks: await request(`${a.publicUrl}/.well-known/jwks.json`),
    discovery: await request(`${a.publicUrl}/.well-known/openid-configuration`),
    snapshot: await request(`${a.publicUrl}/revocations`, {
      headers: { authorization: basic(feedClient.id, feedClient.secret) },
    }),
    introspect: await request(`${a.publicUrl}/introspect`, {
      method: 'POST',
      headers: {
        authorization: basic(rs.id, rs.secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${probe}`,
    }),
  };
  t.diagnostic(
    `while PostgreSQL is down: ${Object.entries(outage)
      .map(([k, v]) => `${k} ${v.status}`)
      .join(', ')}`,
  );
  assert.equal(outage.jwks.status, 200, 'the JWKS is served from memory');
  assert.equal(outage.discovery.status, 200, 'discovery is served from memory');
  for (const [name, r] of Object.entries(outage)) {
    assert.ok([200, 503].includes(r.status), `${name}: ${r.status}`);
    if (r.status === 503) assert.match(r.headers.get('retry-after') ?? '', /^\d+$/, name);
  }
  const downFor = Date.now() - down;

  // Bring it back: both replicas recover by themselves.
  await pg.start();
  const up = Date.now();
  const recovered: Record<string, number> = {};
  await Promise.all(
    replicas.map(async (r) => {
      await waitFor(
        `${r.name} to recover`,
        async () => {
          if ((await readyStatus(r)) !== 200) return undefined;
          const res = await r.token(s1.id, s1.secret, { audience: AUD }, DEADLINE_MS).catch(() => undefined);
          return res?.status === 200 ? true : undefined;
        },
        30_000,
        100,
      );
      recovered[r.name] = Date.now() - up;
    }),
  );
  // A revocation posted to B after the restart reaches the guard following A (LISTEN reconnected).
  const after = await waitFor(
    'revocations to be acknowledged again',
    async () => {
      const res = await b.admin('POST', '/admin/revocations', { kind: 'jti', value: 'after-restart' });
      return res.status === 201 ? (res.body.revocation.seq as number) : undefined;
    },
    15_000,
    200,
  );
  const posted = Date.now();
  await waitFor(
    'the guard on A to apply it',
    () => (feed.status().lastSeq >= after ? true : undefined),
    20_000,
    10,
  );
  const propagation = Date.now() - posted;
  t.diagnostic(`after the restart, a revocation posted to B reached the guard on A in ${propagation} ms`);
  // The safety poll runs every 5 s: arriving well before it means A's LISTEN connection came back.
  assert.ok(propagation < 4000, `propagation after the restart took ${propagation} ms`);
  await new Promise((x) => setTimeout(x, 1000));
  stop = true;
  await Promise.all(workers);

  const statuses = Object.fromEntries(tally.byStatus);
  t.diagnostic(
    `PostgreSQL down for ${downFor} ms; recovery after its restart: ${JSON.stringify(recovered)} ms`,
  );
  t.diagnostic(
    `responses by status ${JSON.stringify(statuses)}; timeouts ${tally.timeouts}; ` +
      `acknowledged: ${tally.tokens.length} tokens (${before.tokens} before the crash), ` +
      `${tally.revoked.length} revocations (${before.revoked} before)`,
  );
  for (const status of tally.byStatus.keys()) {
    assert.ok(status < 500 ? [200, 201].includes(status) : status === 503, `unexpected status ${status}`);
  }
  assert.ok((tally.byStatus.get(503) ?? 0) > 0, 'the load saw 503s');
  assert.equal(tally.noRetryAfter, 0, '503 without Retry-After');
  assert.equal(tally.timeouts, 0, `requests hung past ${DEADLINE_MS} ms`);
  assert.equal(tally.errors, 0, 'connection errors');

  // Nothing acknowledged is lost: every revocation is in both replicas' snapshots with its seq …
  const auth = basic(feedClient.id, feedClient.secret);
  for (const r of replicas) {
    const snap = await request(`${r.publicUrl}/revocations`, { headers: { authorization: auth } });
    assert.equal(snap.status, 200);
    const bySeq = new Map(
      (snap.body as { entries: { seq: number; value: string }[] }).entries.map((e) => [e.seq, e.value]),
    );
    for (const x of tally.revoked) assert.equal(bySeq.get(x.seq), x.value, `${r.name}: seq ${x.seq} lost`);
    assert.equal(bySeq.get(after), 'after-restart');
    assert.ok(![...bySeq.values()].includes('while-down'));
  }
  // … the guard following A received every one of them (the feed resumed after the restart) …
  const last = Math.max(after, ...tally.revoked.map((x) => x.seq));
  const feedStarted = Date.now();
  await waitFor(
    'the guard on A to catch up',
    () => (feed.status().lastSeq >= last ? true : undefined),
    20_000,
  );
  t.diagnostic(`the guard feed on A caught up ${Date.now() - feedStarted} ms after the load stopped`);
  // … and every token returned verifies with the JWKS of either replica.
  const jwks = oracle.createRemoteJWKSet(new URL(`${b.publicUrl}/.well-known/jwks.json`));
  for (const token of tally.tokens) {
    await oracle.jwtVerify(token, jwks, { issuer: cluster.issuer, audience: AUD, typ: 'at+jwt' });
  }
  // … and every token returned, during the outage too, is in the audit log once the queues flushed.
  const issued = tally.tokens.map(jtiOf);
  const auditStarted = Date.now();
  const missing = await waitFor(
    'every issued token in the audit log',
    async () => {
      const audited = new Set([...(await auditedJtis(a)), ...(await auditedJtis(b))]);
      const left = issued.filter((j) => !audited.has(j));
      return left.length === 0 ? left : undefined;
    },
    20_000,
    500,
  ).catch((err: Error) => err);
  assert.ok(Array.isArray(missing), String(missing));
  t.diagnostic(
    `all ${issued.length} issued tokens audited ${Date.now() - auditStarted} ms after the load stopped`,
  );
});
