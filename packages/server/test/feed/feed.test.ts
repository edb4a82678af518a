import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basic, startTestServer, type TestServer } from '../helpers/server.js';
import { openSse } from './sse.js';

interface Wire {
  seq: number;
  kind: string;
  value: string;
  not_before: number | null;
  expires_at: number;
  reason: string | null;
}

describe('revocation feed: GET /revocations and /revocations/stream', { timeout: 60_000 }, () => {
  let t: TestServer;
  let base: string;
  let auth: string;
  let plain: string;

  const revoke = async (kind: string, value: string, extra: Record<string, unknown> = {}) => {
    const r = await t.admin('POST', '/admin/revocations', { kind, value, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.revocation as { seq: number };
  };
  const snapshot = async () => {
    const res = await fetch(`${base}/revocations`, { headers: { authorization: auth } });
    assert.equal(res.status, 200);
    return (await res.json()) as { seq: number; entries: Wire[] };
  };

  before(async () => {
    t = await startTestServer({
      feed: { keepAliveMs: 50, pollIntervalMs: 60_000, maxLag: 100_000 },
      http: { shutdownGraceMs: 1000 },
    });
    ({ publicUrl: base } = await t.server.listen());
    const feed = await t.createClient({ name: 'feed', capabilities: ['revocations'] });
    auth = basic(feed.client.client_id, feed.client_secret!);
    const other = await t.createClient({ name: 'other', audiences: ['https://s2'] });
    plain = basic(other.client.client_id, other.client_secret!);
  });
  after(() => t.close());

  test('authentication: Basic with the revocations capability, else 401 (WWW-Authenticate: Basic) or 403', async () => {
    for (const path of ['/revocations', '/revocations/stream']) {
      const none = await fetch(base + path);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.equal(((await none.json()) as { error: string }).error, 'invalid_client');
      const bearer = await fetch(base + path, { headers: { authorization: 'Bearer x' } });
      assert.equal(bearer.status, 401);
      await bearer.body?.cancel();
      const wrong = await fetch(base + path, { headers: { authorization: basic('nope', 'nope') } });
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
      const noCap = await fetch(base + path, { headers: { authorization: plain } });
      assert.equal(noCap.status, 403);
      assert.equal(((await noCap.json()) as { error: string }).error, 'unauthorized_client');
    }
  });

  test('a malformed resume point is a 400 invalid_request', async () => {
    for (const headers of [
      { 'last-event-id': 'abc' },
      { 'last-event-id': '-1' },
      { 'last-event-id': '01' },
    ]) {
      const res = await fetch(`${base}/revocations/stream`, { headers: { authorization: auth, ...headers } });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    }
    const q = await fetch(`${base}/revocations/stream?after=1.5`, { headers: { authorization: auth } });
    assert.equal(q.status, 400);
    await q.body?.cancel();
  });

  test('snapshot: every relevant entry up to seq; expired entries are left out', async () => {
    const a = await revoke('jti', 'snap-a');
    const b = await revoke('subject', 'snap-sub', { reason: 'compromised' });
    const snap = await snapshot();
    assert.ok(snap.seq >= b.seq);
    const mine = snap.entries.filter((e) => e.value.startsWith('snap-'));
    assert.deepEqual(
      mine.map((e) => [e.seq, e.kind, e.value]),
      [
        [a.seq, 'jti', 'snap-a'],
        [b.seq, 'subject', 'snap-sub'],
      ],
    );
    const sub = mine[1]!;
    assert.equal(sub.reason, 'compromised');
    assert.equal(typeof sub.not_before, 'number');
    assert.ok(sub.expires_at > sub.not_before!);
    // Move the clock past every entry's expiry: the snapshot keeps its seq but lists nothing.
    const saved = t.clock.now();
    t.clock.advance(10 * 3600);
    try {
      const later = await snapshot();
      assert.equal(later.seq, snap.seq);
      assert.deepEqual(later.entries, []);
    } finally {
      t.clock.set(saved);
    }
  });

  test('stream: resumes after Last-Event-ID, in order, exactly once, then live events; keep-alives', async () => {
    const first = await revoke('jti', 'stream-1');
    const second = await revoke('client', 'stream-client');
    const sse = await openSse(`${base}/revocations/stream`, {
      authorization: auth,
      'last-event-id': String(first.seq - 1),
    });
    try {
      assert.equal(sse.status, 200);
      assert.match(sse.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(sse.headers.get('content-encoding'), null);
      assert.match(sse.headers.get('cache-control') ?? '', /no-store/);
      await sse.until(() => sse.events.length >= 2);
      const third = await revoke('jti', 'stream-3');
      await sse.until(() => sse.events.some((e) => e.id === String(third.seq)));
      const ids = sse.events.map((e) => Number(e.id));
      assert.deepEqual(ids, [first.seq, second.seq, third.seq]);
      for (const e of sse.events) {
        assert.equal(e.event, 'revocation');
        const body = JSON.parse(e.data) as Wire;
        assert.equal(String(body.seq), e.id);
      }
      assert.equal((JSON.parse(sse.events[1]!.data) as Wire).kind, 'client');
      await sse.until(() => sse.comments.includes('keep-alive'), 2000);
    } finally {
      sse.close();
    }
  });

  test('?after= works like Last-Event-ID; without either only new revocations arrive', async () => {
    const a = await revoke('jti', 'after-a');
    const fromQuery = await openSse(`${base}/revocations/stream?after=${a.seq - 1}`, { authorization: auth });
    const fresh = await openSse(`${base}/revocations/stream`, { authorization: auth });
    try {
      await fromQuery.until(() => fromQuery.events.length >= 1);
      assert.equal(fromQuery.events[0]!.id, String(a.seq));
      await fresh.until(() => fresh.comments.includes('ok'));
      const b = await revoke('jti', 'after-b');
      await fresh.until(() => fresh.events.length >= 1);
      assert.deepEqual(
        fresh.events.map((e) => e.id),
        [String(b.seq)],
      );
    } finally {
      fromQuery.close();
      fresh.close();
    }
  });

  test('HEAD on the stream answers the headers and holds nothing open', async () => {
    const res = await fetch(`${base}/revocations/stream`, {
      method: 'HEAD',
      headers: { authorization: auth },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  });

  test('a resume point the server never handed out gets reset and the stream closes', async () => {
    const snap = await snapshot();
    const sse = await openSse(`${base}/revocations/stream`, {
      authorization: auth,
      'last-event-id': String(snap.seq + 1000),
    });
    await sse.ended;
    assert.deepEqual(
      sse.events.map((e) => [e.event, JSON.parse(e.data).reason]),
      [['reset', 'unknown_position']],
    );
  });

  test('disconnected subscribers are dropped (no leak)', async () => {
    const streams = async () => {
      const res = await t.server.admin.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      const m = /^signet_feed_streams (\d+)$/m.exec(res.body);
      assert.ok(m, 'signet_feed_streams is exported');
      return Number(m[1]);
    };
    const before = await streams();
    const list = await Promise.all(
      Array.from({ length: 5 }, () => openSse(`${base}/revocations/stream`, { authorization: auth })),
    );
    await list[0]!.until(() => list.every((s) => s.comments.includes('ok')));
    assert.equal(await streams(), before + 5);
    for (const s of list) s.close();
    const deadline = Date.now() + 5000;
    while ((await streams()) !== before) {
      assert.ok(Date.now() < deadline, 'streams still open after the clients left');
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  test('disabling or narrowing a client commits a client not-before; a disabled feed client loses its stream', async () => {
    const victim = await t.createClient({ name: 'victim', audiences: ['https://s2'] });
    const narrow = await t.createClient({ name: 'narrow', scopes: ['a', 'b'], audiences: ['https://s2'] });
    const feed2 = await t.createClient({ name: 'feed2', capabilities: ['revocations'] });
    const sse = await openSse(`${base}/revocations/stream`, { authorization: auth });
    const sse2 = await openSse(`${base}/revocations/stream`, {
      authorization: basic(feed2.client.client_id, feed2.client_secret!),
    });
    try {
      await sse.until(() => sse.comments.includes('ok') && sse2.comments.includes('ok'));
      const entryFor = (id: string) =>
        sse.events.map((e) => JSON.parse(e.data) as Wire).find((w) => w.value === id && w.kind === 'client');
      assert.equal((await t.admin('POST', `/admin/clients/${victim.client.client_id}/disable`)).status, 200);
      await sse.until(() => entryFor(victim.client.client_id) !== undefined);
      assert.ok(entryFor(victim.client.client_id)!.not_before! > Math.floor(t.clock.now() / 1000));
      assert.equal(
        (await t.admin('PATCH', `/admin/clients/${narrow.client.client_id}`, { scopes: ['a'] })).status,
        200,
      );
      await sse.until(() => entryFor(narrow.client.client_id) !== undefined);
      // The feed client itself disabled: its open stream ends at the next keep-alive tick.
      assert.equal((await t.admin('POST', `/admin/clients/${feed2.client.client_id}/disable`)).status, 200);
      await Promise.race([
        sse2.ended,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the stream was not ended')), 5000)),
      ]);
      assert.equal(sse.comments.length > 0, true);
    } finally {
      sse.close();
      sse2.close();
    }
  });

  // Last: it closes the server.
  test('close() ends open streams first (preClose), so subscribers reconnect at once', async () => {
    const sse = await openSse(`${base}/revocations/stream`, { authorization: auth });
    await sse.until(() => sse.comments.includes('ok'));
    const started = Date.now();
    let endedAfter = Number.POSITIVE_INFINITY;
    void sse.ended.then(() => {
      endedAfter = Date.now() - started;
    });
    await t.server.close();
    await sse.ended;
    assert.ok(endedAfter < 2000, `the stream ended ${endedAfter} ms after close()`);
  });
});
