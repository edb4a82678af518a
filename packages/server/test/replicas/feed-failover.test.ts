/**
 * A guard follows the revocation feed through a load balancer (a TCP proxy in this test) that sends
 * it to replica A. A is killed (-9) and the balancer fails over to B: the guard reconnects, resumes
 * on B with the `Last-Event-ID` it had from A — no new snapshot, no reset, no duplicate, nothing lost.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { createGuard, createRevocationFeed } from '@signet/guard';
import { type Cluster, startCluster, waitFor } from './cluster.js';

const AUD = 'https://orders.example';

/** A TCP proxy to one backend port, switchable; `cut()` drops every open connection. */
async function startProxy(port: number) {
  let backend = port;
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(backend, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: listening } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${listening}`,
    switchTo(p: number) {
      backend = p;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const how of ['kill -9', 'SIGTERM'] as const) {
  test(`a guard behind a balancer fails over from a replica stopped by ${how} and resumes on the other`, {
    timeout: 120_000,
  }, async (t) => {
    let cluster: Cluster | undefined;
    t.after(() => cluster?.close());
    cluster = await startCluster();
    const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);
    const proxy = await startProxy(Number(new URL(a.publicUrl).port));
    t.after(() => proxy.close());

    const mk = async (body: Record<string, unknown>) => {
      const r = await a.admin('POST', '/admin/clients', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { id: r.body.client.client_id as string, secret: r.body.client_secret as string };
    };
    const s1 = await mk({ name: 's1', audiences: [AUD] });
    const feedClient = await mk({ name: 'feed', capabilities: ['revocations'] });
    const feed = createRevocationFeed({
      url: proxy.url,
      clientId: feedClient.id,
      clientSecret: feedClient.secret,
      backoff: { initial: 50, max: 500 },
    });
    t.after(() => feed.close());
    const guard = createGuard({
      issuer: cluster.issuer,
      audience: AUD,
      jwks: { uri: `${proxy.url}/.well-known/jwks.json` },
      feed,
    });
    await feed.ready(10_000);

    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await a.token(s1.id, s1.secret, { audience: AUD });
      assert.equal(r.status, 200);
      tokens.push(r.body.access_token as string);
      await guard.verify(r.body.access_token);
    }
    const jtis = await Promise.all(tokens.map(async (x) => (await guard.verify(x)).jti as string));

    const acked: number[] = [];
    const revoke = async (on: typeof a, value: string) => {
      const r = await on.admin('POST', '/admin/revocations', { kind: 'jti', value });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      acked.push(r.body.revocation.seq as number);
    };
    await revoke(a, jtis[0]!);
    for (let i = 0; i < 5; i++) await revoke(a, `before-failover-${i}`);
    await waitFor('the guard to follow A', () => (feed.status().lastSeq >= acked.at(-1)! ? true : undefined));
    const connectsBefore = feed.counters.connects;

    if (how === 'kill -9') await a.kill();
    else {
      // A rolling restart: graceful stop (streams ended, store closed), exit 0 before the hard-exit delay.
      const stopping = Date.now();
      a.child.kill('SIGTERM');
      assert.equal(await a.exited, 0, a.output().slice(-2000));
      t.diagnostic(`A stopped gracefully in ${Date.now() - stopping} ms with a feed stream open`);
    }
    proxy.switchTo(Number(new URL(b.publicUrl).port));
    const failedOver = Date.now();
    await revoke(b, jtis[1]!);
    for (let i = 0; i < 5; i++) await revoke(b, `after-failover-${i}`);
    await revoke(b, jtis[2]!);
    await waitFor(
      'the guard to resume on B',
      () => (feed.status().lastSeq >= acked.at(-1)! ? true : undefined),
      15_000,
    );
    t.diagnostic(`the guard caught up on B ${Date.now() - failedOver} ms after A stopped (${how})`);

    const c = feed.counters;
    assert.ok(c.connects > connectsBefore, 'the guard reconnected');
    assert.equal(c.snapshots, 1, 'resumed with Last-Event-ID, no new snapshot');
    assert.equal(c.resets, 0);
    assert.equal(c.duplicates, 0);
    assert.equal(c.applied, acked.length, 'every acknowledged revocation applied once');
    for (const i of [0, 1, 2]) await assert.rejects(guard.verify(tokens[i]!), { status: 401 });
    await guard.verify(tokens[3]!);
  });
}
