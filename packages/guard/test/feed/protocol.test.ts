import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createRevocationFeed, type RevocationFeed } from '../../src/index.js';
import { testClock } from '../helpers/clock.js';
import { authFor, type FakeFeed, startFakeFeed, until } from './fake-feed.js';

const T0 = Date.UTC(2030, 0, 1);
const NOW_S = T0 / 1000;
const fast = { initial: 5, max: 20, factor: 2, jitter: 0 };

function thrown(fn: () => void): { code?: string; status?: number; reason?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; status?: number; reason?: string };
  }
  return {};
}

describe('revocation feed client against a scripted server', () => {
  const feeds: RevocationFeed[] = [];
  const servers: FakeFeed[] = [];
  const open = async (options: Partial<Parameters<typeof createRevocationFeed>[0]> = {}) => {
    const server = await startFakeFeed();
    servers.push(server);
    const clock = testClock(T0);
    const feed = createRevocationFeed({
      url: server.url,
      clientId: 'feed',
      clientSecret: 's e:c%ret',
      now: clock,
      backoff: fast,
      ...options,
    });
    feeds.push(feed);
    return { server, feed, clock };
  };
  afterEach(async () => {
    for (const f of feeds.splice(0)) await f.close();
    for (const s of servers.splice(0)) await s.close();
  });

  it('takes the snapshot, then follows the stream from its seq', async () => {
    const { server, feed } = await open();
    server.snapshot = {
      seq: 5,
      entries: [{ seq: 4, kind: 'jti', value: 'j1', not_before: null, expires_at: NOW_S + 60 }],
    };
    await feed.ready();
    assert.equal(feed.status().lastSeq, 5);
    assert.equal(feed.status().entries, 1);
    await until(() => feed.status().state === 'live', 5000, 'the stream');
    const e = thrown(() => feed.check(authFor({ jti: 'j1' })));
    assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN');
    assert.equal(e.status, 401);
    assert.equal(e.reason, 'revoked:jti');
    feed.check(authFor({ jti: 'j2' }));
    await until(() => server.resumes.length === 1);
    assert.deepEqual(server.resumes, ['5']);
  });

  it('before any snapshot, check throws revocation_feed_unavailable', async () => {
    const { server, feed } = await open();
    server.status = 401;
    await until(() => feed.status().lastError !== undefined, 5000, 'a failed attempt');
    const e = thrown(() => feed.check(authFor({ jti: 'x' })));
    assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN');
    assert.equal(e.reason, 'revocation_feed_unavailable');
    assert.equal(feed.status().lastError, 'snapshot: HTTP 401');
    assert.equal(feed.status().state, 'connecting');
  });

  it('applies each sequence number once: duplicates and replays are ignored, gaps are fine', async () => {
    const { server, feed } = await open();
    await feed.ready();
    await until(() => server.openStreams() === 1 && feed.status().connected);
    const cleared: number[] = [];
    feed.attach?.({ clearCache: () => cleared.push(1) });
    const e = (seq: number, value: string) => ({ seq, kind: 'jti', value, expires_at: NOW_S + 60 });
    server.event(e(1, 'a'));
    await until(() => feed.counters.applied === 1);
    assert.equal(cleared.length, 1, 'an applied entry clears the verified-token cache');
    server.event(e(3, 'b'));
    server.event(e(3, 'b'));
    server.event(e(2, 'late'));
    server.event(e(7, 'c'));
    await until(() => feed.status().lastSeq === 7 && feed.counters.duplicates === 2);
    assert.equal(feed.counters.applied, 3);
    // Once per received chunk that applied something (the last three may arrive together).
    assert.ok(cleared.length >= 2 && cleared.length <= 3, `cleared ${cleared.length} times`);
    const before = cleared.length;
    server.event(e(7, 'c'));
    await until(() => feed.counters.duplicates === 3);
    assert.equal(cleared.length, before, 'a duplicate clears nothing');
    assert.equal(thrown(() => feed.check(authFor({ jti: 'late' }))).reason, undefined);
    assert.equal(thrown(() => feed.check(authFor({ jti: 'c' }))).reason, 'revoked:jti');
    // A cut: the reconnect resumes after the last applied id.
    server.cut();
    await until(() => server.resumes.length === 2, 5000, 'a reconnect');
    assert.equal(server.resumes[1], '7');
    await until(() => feed.counters.connects === 2, 5000, 'the reconnect');
  });

  it('reset: discards the list, takes a new snapshot and resumes after its seq', async () => {
    const { server, feed } = await open();
    server.snapshot = {
      seq: 10,
      entries: [{ seq: 10, kind: 'subject', value: 'alice', not_before: NOW_S, expires_at: NOW_S + 60 }],
    };
    await feed.ready();
    assert.equal(
      thrown(() => feed.check(authFor({ sub: 'alice', iat: NOW_S - 1 }))).reason,
      'revoked:subject',
    );
    await until(() => server.openStreams() === 1 && feed.status().connected);
    server.snapshot = {
      seq: 3,
      entries: [{ seq: 2, kind: 'client', value: 'c9', not_before: NOW_S, expires_at: NOW_S + 60 }],
    };
    server.send('event: reset\ndata: {"reason":"behind"}\n\n');
    server.event({ seq: 11, kind: 'jti', value: 'after-reset', expires_at: NOW_S + 60 });
    await until(() => server.snapshots === 2 && server.resumes.length === 2, 5000, 'the re-snapshot');
    assert.deepEqual(server.resumes, ['10', '3']);
    assert.equal(feed.counters.resets, 1);
    assert.equal(feed.status().lastSeq, 3);
    // The old list is gone, the new one is in force, the event after the reset was not applied.
    assert.equal(thrown(() => feed.check(authFor({ sub: 'alice', iat: NOW_S - 1 }))).reason, undefined);
    assert.equal(thrown(() => feed.check(authFor({ jti: 'after-reset' }))).reason, undefined);
    assert.equal(
      thrown(() => feed.check(authFor({ client_id: 'c9', iat: NOW_S - 1 }))).reason,
      'revoked:client',
    );
  });

  it('a malformed event is not applied: the feed reconnects from the last good id', async () => {
    const { server, feed } = await open();
    await feed.ready();
    await until(() => server.openStreams() === 1 && feed.status().connected);
    server.event({ seq: 1, kind: 'jti', value: 'ok', expires_at: NOW_S + 60 });
    server.send('event: revocation\nid: 2\ndata: {"seq":2,"kind":"nope"}\n\n');
    await until(() => server.resumes.length === 2, 5000, 'a reconnect');
    assert.equal(server.resumes[1], '1');
    assert.equal(feed.status().lastError, 'stream: malformed event');
  });

  it('fails closed once the feed has been lost for longer than maxStale, and recovers', async () => {
    const { server, feed, clock } = await open({ maxStale: 30_000, idleTimeout: 45_000 });
    server.snapshot = { seq: 1, entries: [] };
    await feed.ready();
    await until(() => server.openStreams() === 1 && feed.status().connected);
    const ok = authFor({ jti: 'fine' });
    feed.check(ok);
    server.status = 503;
    server.cut();
    await until(() => !feed.status().connected, 5000, 'the disconnect');
    clock.advance(29_000);
    assert.equal(feed.status().state, 'stale');
    feed.check(ok);
    clock.advance(2_000);
    assert.equal(feed.status().state, 'failed');
    const e = thrown(() => feed.check(ok));
    assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN');
    assert.equal(e.reason, 'revocation_feed_unavailable');
    assert.equal(feed.counters.rejected_unavailable, 1);
    server.status = 200;
    await until(() => feed.status().state === 'live', 5000, 'the recovery');
    feed.check(ok);
  });

  it('an open stream that stays silent past idleTimeout is abandoned and reopened', async () => {
    const { server, feed, clock } = await open({ maxStale: 1_000, idleTimeout: 3_000 });
    await feed.ready();
    await until(() => feed.status().connected, 5000, 'the stream');
    clock.advance(2_000);
    // Open and within idleTimeout: still live even past maxStale (keep-alives come every 15 s).
    assert.equal(feed.status().state, 'live');
    feed.check(authFor({}));
    clock.advance(2_000);
    await until(() => server.resumes.length >= 2, 5000, 'the reopen');
  });

  it('sends form-urlencoded Basic credentials and validates its options', async () => {
    const { server, feed } = await open();
    await feed.ready();
    const basic = server.authorizations[0] ?? '';
    assert.match(basic, /^Basic /);
    // RFC 6749 §2.3.1: each part form-urlencoded, then joined with ':' and base64-encoded.
    assert.equal(Buffer.from(basic.slice(6), 'base64').toString(), 'feed:s+e%3Ac%25ret');
    assert.throws(() => createRevocationFeed({ clientId: 'a', clientSecret: 'b' } as never), {
      name: 'TypeError',
      message: /"issuer"/,
    });
    assert.throws(
      () => createRevocationFeed({ url: 'ftp://x', clientId: 'a', clientSecret: 'b' }),
      TypeError,
    );
    assert.throws(
      () => createRevocationFeed({ issuer: 'http://x', clientId: '', clientSecret: 'b' }),
      /"clientId"/,
    );
    assert.throws(
      () => createRevocationFeed({ issuer: 'http://x', clientId: 'a', clientSecret: 'b', maxStale: -1 }),
      /"maxStale"/,
    );
  });

  it('exposes its state and counters through a prom-client registry', async () => {
    const registry = new Registry();
    const { server, feed } = await open({ metrics: { registry, prefix: 'g_' } });
    await feed.ready();
    await until(() => server.openStreams() === 1 && feed.status().connected);
    server.event({ seq: 1, kind: 'jti', value: 'm', expires_at: NOW_S + 60 });
    server.event({ seq: 1, kind: 'jti', value: 'm', expires_at: NOW_S + 60 });
    await until(() => feed.counters.duplicates === 1);
    assert.equal(thrown(() => feed.check(authFor({ jti: 'm' }))).reason, 'revoked:jti');
    const text = await registry.metrics();
    assert.match(text, /^g_revocation_feed_state\{state="live"\} 1$/m);
    assert.match(text, /^g_revocation_feed_state\{state="failed"\} 0$/m);
    assert.match(text, /^g_revocation_feed_entries 1$/m);
    assert.match(text, /^g_revocation_feed_last_seq 1$/m);
    assert.match(text, /^g_revocation_feed_events_total\{result="applied"\} 1$/m);
    assert.match(text, /^g_revocation_feed_events_total\{result="duplicate"\} 1$/m);
    assert.match(text, /^g_revocation_feed_rejected_total\{reason="revoked"\} 1$/m);
    assert.match(text, /^g_revocation_feed_connects_total 1$/m);
    assert.throws(
      () => createRevocationFeed({ url: server.url, clientId: 'a', clientSecret: 'b', metrics: {} as never }),
      /"metrics.registry"/,
    );
  });

  it('evicts entries once they expire (by the injected clock)', async () => {
    const { server, feed, clock } = await open({ sweepInterval: 1_000 });
    server.snapshot = {
      seq: 2,
      entries: [
        { seq: 1, kind: 'jti', value: 'short', not_before: null, expires_at: NOW_S + 10 },
        { seq: 2, kind: 'subject', value: 'long', not_before: NOW_S, expires_at: NOW_S + 3600 },
      ],
    };
    await feed.ready();
    await until(() => feed.status().connected);
    server.event({ seq: 3, kind: 'kid', value: 'k', expires_at: NOW_S + 20 });
    await until(() => feed.status().entries === 3);
    clock.advance(10_000);
    // Expired entries kill nothing even before the sweep.
    assert.equal(thrown(() => feed.check(authFor({ jti: 'short' }))).reason, undefined);
    assert.equal(thrown(() => feed.check(authFor({ kid: 'k' }))).reason, 'revoked:kid');
    // The periodic sweep (every sweepInterval of the injected clock) drops them from memory.
    await until(() => feed.status().entries === 2, 5000, 'the sweep');
    clock.advance(10_000);
    assert.equal(feed.sweep(), 1);
    assert.equal(feed.status().entries, 1);
    assert.equal(
      thrown(() => feed.check(authFor({ sub: 'long', iat: NOW_S - 1 }))).reason,
      'revoked:subject',
    );
  });
});
