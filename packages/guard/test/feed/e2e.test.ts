/**
 * End to end with real processes: `signet serve` (spawned through the CLI), two guards and a gateway
 * (forward-auth), each with its own feed subscription. A jti, a subject, a client and a key are revoked
 * (admin API and `signet revoke`); every verifier rejects exactly the affected tokens, keeps accepting
 * the others, and the propagation time is printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  createGateway,
  createGuard,
  createRevocationFeed,
  type Gateway,
  type Guard,
  type RevocationFeed,
} from '../../src/index.js';
import { call } from '../helpers/http.js';
import { AUDIENCE, type AuthProcess, jtiOf, kidOf, spawnAuth } from './auth.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

interface Verifier {
  name: string;
  accepts(token: string): Promise<boolean>;
}

describe('e2e: revocations reach every verifier', { timeout: 180_000 }, () => {
  let auth: AuthProcess;
  const feeds: RevocationFeed[] = [];
  let gateway: Gateway;
  const verifiers: Verifier[] = [];
  const timings: string[] = [];

  before(async () => {
    auth = await spawnAuth();
    const sub = await auth.api.feedClient();
    const guard = (): Guard => {
      const feed = createRevocationFeed({
        issuer: auth.api.issuer,
        clientId: sub.id,
        clientSecret: sub.secret,
      });
      feeds.push(feed);
      return createGuard({
        issuer: auth.api.issuer,
        audience: AUDIENCE,
        feed,
        cache: true,
        jwks: { cooldown: 0 },
      });
    };
    for (const name of ['guard-1', 'guard-2']) {
      const g = guard();
      verifiers.push({
        name,
        accepts: (t) =>
          g.verify(t).then(
            () => true,
            (e: { code?: string }) => {
              assert.equal(e.code, 'ERR_GUARD_INVALID_TOKEN');
              return false;
            },
          ),
      });
    }
    gateway = createGateway({ guard: guard(), mode: 'forward-auth' });
    const { url } = await gateway.listen();
    verifiers.push({
      name: 'gateway',
      accepts: async (t) => {
        const r = await call(`${url}/auth`, { headers: { authorization: `Bearer ${t}` } });
        assert.ok(r.status === 200 || r.status === 401, `forward-auth answered ${r.status}`);
        return r.status === 200;
      },
    });
    await Promise.all(feeds.map((f) => f.ready(30_000)));
  });
  after(async () => {
    await gateway?.close();
    await Promise.all(feeds.map((f) => f.close()));
    await auth?.stop();
    if (timings.length > 0) console.log(`propagation (revoke answered → rejected):\n${timings.join('\n')}`);
  });

  /** Every verifier accepts exactly `ok` and rejects `dead`. */
  async function expect(ok: string[], dead: string[]): Promise<void> {
    for (const v of verifiers) {
      for (const t of ok) assert.equal(await v.accepts(t), true, `${v.name} must accept ${jtiOf(t)}`);
      for (const t of dead) assert.equal(await v.accepts(t), false, `${v.name} must reject ${jtiOf(t)}`);
    }
  }

  /** Waits until every verifier rejects `token`; records how long each took after `since`. */
  async function propagation(what: string, token: string, since: number): Promise<void> {
    const times = await Promise.all(
      verifiers.map(async (v) => {
        while (await v.accepts(token)) {
          assert.ok(performance.now() - since < 5_000, `${v.name} still accepts after 5 s (${what})`);
          await new Promise((r) => setTimeout(r, 1));
        }
        return `${v.name} ${(performance.now() - since).toFixed(1)} ms`;
      }),
    );
    timings.push(`  ${what}: ${times.join(', ')}`);
  }

  it('revoking a jti, a subject, a client and a key kills exactly their tokens everywhere', async () => {
    const api = auth.api;
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((n) => api.client(n)));
    const tA1 = await api.token(a!);
    const tA2 = await api.token(a!);
    const tB = await api.token(b!);
    const tC = await api.token(c!);
    const tD = await api.token(d!);
    await expect([tA1, tA2, tB, tC, tD], []);

    await api.revoke('jti', jtiOf(tA1));
    let t0 = performance.now();
    await propagation('jti', tA1, t0);
    await expect([tA2, tB, tC, tD], [tA1]);

    await api.revoke('subject', b!.id);
    t0 = performance.now();
    await propagation('subject', tB, t0);
    await expect([tA2, tC, tD], [tA1, tB]);

    // The client through the CLI: `signet revoke --client` talks to the admin API.
    const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--conditions=signet-source',
          '--import',
          'tsx',
          'packages/cli/src/bin.ts',
          'revoke',
          '--client',
          c!.id,
          '--reason',
          'e2e',
          '--admin-url',
          api.adminUrl,
          '--format',
          'json',
        ],
        { cwd: ROOT, env: { ...process.env, SIGNET_ADMIN_TOKEN: api.adminToken } },
      );
      let stderr = '';
      child.stderr.on('data', (x: Buffer) => (stderr += x.toString()));
      child.stdout.resume();
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    t0 = performance.now();
    await propagation('client (signet revoke, from CLI exit)', tC, t0);
    await expect([tA2, tD], [tA1, tB, tC]);

    // The key: every token signed so far dies; the successor's tokens live.
    const kid = kidOf(tD);
    await api.revoke('kid', kid);
    t0 = performance.now();
    await propagation('kid', tD, t0);
    const fresh = await api.token(d!);
    assert.notEqual(kidOf(fresh), kid);
    await expect([fresh], [tA1, tA2, tB, tC, tD]);

    for (const f of feeds) {
      const s = f.status();
      assert.equal(s.state, 'live');
      assert.equal(s.counters.applied, 4);
      assert.equal(s.counters.duplicates, 0);
    }
  });
});
