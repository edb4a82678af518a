/**
 * `kill -9` of one replica in the middle of issuance and revocations loses nothing it acknowledged:
 * every revocation A answered 201 is in B's snapshot with the same sequence number, and every token
 * A returned verifies with B's JWKS (jose, a client nobody here wrote).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as oracle from 'jose';
import { auditedJtis, basic, type Cluster, jtiOf, request, startCluster } from './cluster.js';

const AUD = 'https://orders.example';

test('kill -9 of a replica during issuance loses nothing it acknowledged', {
  timeout: 120_000,
}, async (t) => {
  let cluster: Cluster | undefined;
  t.after(() => cluster?.close());
  cluster = await startCluster();
  const [a, b] = await Promise.all([cluster.start('a'), cluster.start('b')]);

  const created = await a.admin('POST', '/admin/clients', { name: 's1', audiences: [AUD] });
  assert.equal(created.status, 201);
  const s1 = { id: created.body.client.client_id as string, secret: created.body.client_secret as string };
  const feedRes = await a.admin('POST', '/admin/clients', { name: 'feed', capabilities: ['revocations'] });
  assert.equal(feedRes.status, 201);
  const feedAuth = basic(feedRes.body.client.client_id, feedRes.body.client_secret);

  const tokens: string[] = [];
  const revoked: { seq: number; value: string }[] = [];
  let failures = 0;
  let stop = false;
  const issuer = async () => {
    while (!stop) {
      try {
        const r = await a.token(s1.id, s1.secret, { audience: AUD });
        if (r.status === 200) tokens.push(r.body.access_token as string);
        else failures++;
      } catch {
        failures++;
        if (a.child.exitCode !== null || a.child.signalCode !== null) return;
      }
    }
  };
  const revoker = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const value = `kill-${n}-${i}`;
      try {
        const r = await a.admin('POST', '/admin/revocations', { kind: 'jti', value });
        if (r.status === 201) revoked.push({ seq: r.body.revocation.seq as number, value });
        else failures++;
      } catch {
        failures++;
        if (a.child.exitCode !== null || a.child.signalCode !== null) return;
      }
    }
  };
  const workers = [issuer(), issuer(), issuer(), revoker(1), revoker(2)];
  const deadline = Date.now() + 20_000;
  while ((tokens.length < 150 || revoked.length < 40) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await a.kill();
  stop = true;
  await Promise.all(workers);
  t.diagnostic(
    `acknowledged before kill -9: ${tokens.length} tokens, ${revoked.length} revocations; ${failures} requests cut`,
  );
  assert.ok(tokens.length >= 50, `only ${tokens.length} tokens before the kill`);
  assert.ok(revoked.length >= 10, `only ${revoked.length} revocations before the kill`);

  // Every acknowledged revocation is visible from B, with the sequence number A acknowledged.
  const snapshot = await request(`${b.publicUrl}/revocations`, { headers: { authorization: feedAuth } });
  assert.equal(snapshot.status, 200);
  const entries = (snapshot.body as { entries: { seq: number; value: string }[] }).entries;
  const bySeq = new Map(entries.map((e) => [e.seq, e.value]));
  for (const r of revoked) assert.equal(bySeq.get(r.seq), r.value, `revocation seq ${r.seq} lost`);

  // Every token A returned verifies with B's JWKS.
  const jwks = oracle.createRemoteJWKSet(new URL(`${b.publicUrl}/.well-known/jwks.json`));
  for (const token of tokens) {
    await oracle.jwtVerify(token, jwks, { issuer: cluster.issuer, audience: AUD, typ: 'at+jwt' });
  }
  // B keeps serving.
  assert.equal((await b.token(s1.id, s1.secret, { audience: AUD })).status, 200);
  const ready = await request(`${b.publicUrl}/readyz`);
  assert.equal(ready.status, 200);
  // The audit log is written by group commit (every 50 ms): what A had not flushed died with it.
  // Measured, not asserted (a documented trade-off of issuance without one write per token).
  const audited = await auditedJtis(b);
  const unaudited = tokens.filter((token) => !audited.has(jtiOf(token))).length;
  t.diagnostic(`tokens acknowledged by A but missing from the audit log after kill -9: ${unaudited}`);
});
