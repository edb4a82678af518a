/**
 * Faults with real processes: `signet serve` killed with SIGKILL and restarted on the same data and
 * ports while guards' feeds run; a TCP proxy cutting the feed connections at random moments. No
 * revocation is lost (checked by sequence numbers) and each is applied exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRevocationFeed, type RevocationFeed } from '../../src/index.js';
import { type AuthProcess, spawnAuth } from './auth.js';
import { authFor, until } from './fake-feed.js';
import { startTcpProxy } from './tcp-proxy.js';

interface Tracked {
  feed: RevocationFeed;
  applied: number[];
}

describe('e2e faults: the feed loses nothing', { timeout: 240_000 }, () => {
  let auth: AuthProcess;
  let sub: { id: string; secret: string };
  const feeds: RevocationFeed[] = [];

  const track = (url: string): Tracked => {
    const applied: number[] = [];
    const feed = createRevocationFeed({
      url,
      clientId: sub.id,
      clientSecret: sub.secret,
      backoff: { initial: 20, max: 300 },
      onEvent: (e) => {
        if (e.type === 'applied') applied.push(e.seq);
      },
    });
    feeds.push(feed);
    return { feed, applied };
  };
  const revokedBy = (f: RevocationFeed, jti: string) => {
    try {
      f.check(authFor({ jti }));
      return undefined;
    } catch (e) {
      return (e as { reason?: string }).reason;
    }
  };

  before(async () => {
    auth = await spawnAuth();
    sub = await auth.api.feedClient();
  });
  after(async () => {
    await Promise.all(feeds.map((f) => f.close()));
    await auth?.stop();
  });

  it('kill -9 of the server: guards keep their lists, reconnect after the restart and miss nothing', async () => {
    // Guards reach the server through a proxy, so the test decides when they may reconnect.
    const target = new URL(auth.api.issuer);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    try {
      const tracked = [track(proxy.url), track(proxy.url)];
      await Promise.all(tracked.map((t) => t.feed.ready(30_000)));
      const base = tracked[0]!.feed.status().lastSeq;
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) seqs.push((await auth.api.revoke('jti', `kill-before-${i}`)).seq);
      await until(() => tracked.every((t) => t.feed.status().lastSeq === seqs.at(-1)), 10_000, 'delivery');

      await auth.kill();
      await until(() => tracked.every((t) => !t.feed.status().connected), 10_000, 'the disconnect');
      for (const t of tracked) {
        assert.equal(t.feed.status().state, 'stale');
        for (let i = 0; i < 5; i++) assert.equal(revokedBy(t.feed, `kill-before-${i}`), 'revoked:jti');
        assert.equal(revokedBy(t.feed, 'never-revoked'), undefined);
      }

      // Restarted on the same data and ports; revocations land while the guards are still cut off.
      proxy.blocked = true;
      await auth.start();
      for (let i = 0; i < 5; i++) seqs.push((await auth.api.revoke('jti', `kill-after-${i}`)).seq);
      for (const t of tracked) assert.equal(revokedBy(t.feed, 'kill-after-0'), undefined);
      proxy.blocked = false;
      await until(() => tracked.every((t) => t.feed.status().lastSeq === seqs.at(-1)), 20_000, 'catch-up');
      for (const t of tracked) {
        assert.deepEqual(t.applied, seqs, 'every seq applied once, in order');
        assert.ok(seqs.every((s) => s > base));
        assert.equal(t.feed.status().state, 'live');
        assert.equal(t.feed.counters.resets, 0);
        assert.ok(t.feed.counters.connects >= 2);
        for (let i = 0; i < 5; i++) assert.equal(revokedBy(t.feed, `kill-after-${i}`), 'revoked:jti');
      }
    } finally {
      await proxy.close();
    }
  });

  it('a TCP proxy cutting the streams at random moments: no loss, every revocation applied once', async () => {
    const target = new URL(auth.api.issuer);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    try {
      const tracked = [track(proxy.url), track(proxy.url), track(proxy.url)];
      await Promise.all(tracked.map((t) => t.feed.ready(30_000)));
      const base = Math.min(...tracked.map((t) => t.feed.status().lastSeq));
      const seqs: number[] = [];
      const values: string[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 150; i++) {
          const value = `cut-${i}`;
          seqs.push((await auth.api.revoke('jti', value)).seq);
          values.push(value);
          if (Math.random() < 0.3) await new Promise((r) => setTimeout(r, Math.random() * 20));
        }
        writing = false;
      })();
      let cuts = 0;
      let severed = 0;
      // Bounded: at most 200 cuts, each after a random pause; sometimes refuse reconnects for a moment.
      while (writing && cuts < 200) {
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
        severed += proxy.cut();
        cuts++;
        if (Math.random() < 0.2) {
          proxy.blocked = true;
          await new Promise((r) => setTimeout(r, Math.random() * 100));
          proxy.blocked = false;
        }
      }
      await writer;
      const last = seqs.at(-1)!;
      await until(() => tracked.every((t) => t.feed.status().lastSeq === last), 30_000, 'catch-up');
      const expected = seqs.filter((s) => s > base);
      for (const t of tracked) {
        assert.deepEqual(t.applied, expected, 'every seq applied exactly once, in order');
        assert.equal(t.feed.counters.resets, 0);
        for (const v of values) assert.equal(revokedBy(t.feed, v), 'revoked:jti', v);
      }
      const reconnects = tracked.map((t) => t.feed.counters.connects);
      console.log(
        `proxy faults: ${cuts} cuts (${severed} connections severed); ${seqs.length} revocations; ` +
          `stream opens per feed ${reconnects.join('/')}; duplicates ignored ${tracked.map((t) => t.feed.counters.duplicates).join('/')}`,
      );
      assert.ok(severed > 0, 'the proxy cut live connections');
    } finally {
      await proxy.close();
    }
  });
});
