/**
 * `npm run bench:revocation`: the revocation feed (issue 5), against `signet serve` as a separate
 * process on loopback, with N guard feeds subscribed in this process.
 *
 * 1. Latency: a client revokes its own token (RFC 7009 `POST /revoke`); for every feed, the time from
 *    the 200 response to the moment the entry is applied (from then on the guard rejects the token).
 *    Sequential revocations, p50/p90/p99/max over all (revocation × feed) samples.
 * 2. Throughput: revocations posted to the admin API at a fixed rate for a fixed time; per-event
 *    latency to every feed, and the lag of every feed (sequence numbers acknowledged but not yet
 *    applied) sampled every 100 ms; resets and the drain time at the end.
 *
 * Environment: BENCH_REVOCATION_FEEDS (50), BENCH_REVOCATION_SAMPLES (200 sequential revocations),
 * BENCH_REVOCATION_RATE (1000 per second), BENCH_REVOCATION_SECONDS (30).
 */
import http from 'node:http';
import { createGuard, createRevocationFeed, type Guard, type RevocationFeed } from '@signet/guard';
import { AUDIENCE, spawnAuth } from '../packages/guard/test/feed/auth.js';
import { call } from '../packages/guard/test/helpers/http.js';
import { writeReport } from './lib/report.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new TypeError(`${name} must be a positive number`);
  return v;
};

/** Growable list of samples (ms). */
class Samples {
  #a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.#a.length) {
      const b = new Float64Array(this.#a.length * 2);
      b.set(this.#a);
      this.#a = b;
    }
    this.#a[this.n++] = v;
  }
  summary(): { n: number; p50: number; p90: number; p99: number; max: number } {
    const s = this.#a.slice(0, this.n).sort();
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
    return { n: this.n, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1] ?? Number.NaN };
  }
}

const row = (name: string, s: ReturnType<Samples['summary']>, unit = 'ms') =>
  `| ${name} | ${s.n} | ${s.p50.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} | ${unit} |`;
const HEAD = ['| measure | samples | p50 | p90 | p99 | max | unit |', '|---|---:|---:|---:|---:|---:|---|'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setImmediate(r));
  }
  return true;
}

/** Entry point called by bench/run.ts. */
export async function run(_args: string[]): Promise<void> {
  const FEEDS = env('BENCH_REVOCATION_FEEDS', 50);
  const SAMPLES = env('BENCH_REVOCATION_SAMPLES', 200);
  const RATE = env('BENCH_REVOCATION_RATE', 1000);
  const SECONDS = env('BENCH_REVOCATION_SECONDS', 30);
  console.log(
    `revocation feed: ${FEEDS} feeds; ${SAMPLES} sequential revocations; ${RATE}/s for ${SECONDS} s`,
  );
  const auth = await spawnAuth();
  const api = auth.api;
  const feeds: RevocationFeed[] = [];
  const guards: Guard[] = [];
  // Per feed: when each seq was applied (performance.now()).
  const appliedAt: Map<number, number>[] = [];
  try {
    const sub = await api.feedClient();
    for (let i = 0; i < FEEDS; i++) {
      const at = new Map<number, number>();
      appliedAt.push(at);
      const feed = createRevocationFeed({
        issuer: api.issuer,
        clientId: sub.id,
        clientSecret: sub.secret,
        onEvent: (e) => {
          if (e.type === 'applied') at.set(e.seq, performance.now());
        },
      });
      feeds.push(feed);
      guards.push(createGuard({ issuer: api.issuer, audience: AUDIENCE, feed }));
    }
    await Promise.all(feeds.map((f) => f.ready(60_000)));

    // 1. Latency from the /revoke response to rejection at each feed.
    const client = await api.client('bench-latency');
    const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    const latency = new Samples();
    let early = 0;
    let lastToken = '';
    let seq = feeds[0]!.status().lastSeq;
    for (let i = 0; i < SAMPLES; i++) {
      lastToken = await api.token(client);
      const res = await fetch(`${api.issuer}/revoke`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: lastToken }).toString(),
      });
      await res.arrayBuffer();
      const t0 = performance.now();
      if (res.status !== 200) throw new Error(`/revoke answered ${res.status}`);
      seq++;
      const target = seq;
      if (!(await until(() => appliedAt.every((m) => m.has(target)), 10_000))) {
        throw new Error(`seq ${target} did not reach every feed within 10 s`);
      }
      for (const m of appliedAt) {
        const d = m.get(target)! - t0;
        if (d <= 0) early++;
        latency.push(Math.max(0, d));
      }
      await sleep(Math.random() * 5);
    }
    const rejectedBy = (
      await Promise.all(
        guards.map((g) =>
          g.verify(lastToken).then(
            () => 0,
            () => 1,
          ),
        ),
      )
    ).reduce((a: number, b) => a + b, 0);
    if (rejectedBy !== FEEDS) throw new Error(`only ${rejectedBy}/${FEEDS} guards reject the revoked token`);
    for (const m of appliedAt) m.clear();

    // 2. Sustained rate through the admin API, lag sampled every 100 ms.
    const ackAt = new Map<number, number>();
    const perSecond = new Array<number>(Math.ceil(SECONDS)).fill(0);
    let ackedMax = 0;
    let inFlight = 0;
    let skipped = 0;
    let failures = 0;
    let sent = 0;
    const lag = new Samples();
    let maxLag = 0;
    const start = performance.now();
    const sampler = setInterval(() => {
      for (const f of feeds) {
        const l = Math.max(0, ackedMax - f.status().lastSeq);
        lag.push(l);
        if (l > maxLag) maxLag = l;
      }
    }, 100);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const headers = { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' };
    const post = async (n: number) => {
      inFlight++;
      try {
        const body = JSON.stringify({ kind: 'jti', value: `bench-${n}` });
        const r = await call(`${api.adminUrl}/admin/revocations`, { method: 'POST', headers, body, agent });
        if (r.status !== 201) throw new Error(String(r.status));
        const s = (r.json() as { revocation: { seq: number } }).revocation.seq;
        const now = performance.now();
        ackAt.set(s, now);
        if (s > ackedMax) ackedMax = s;
        const sec = Math.floor((now - start) / 1000);
        if (sec < perSecond.length) perSecond[sec]!++;
      } catch {
        failures++;
      } finally {
        inFlight--;
      }
    };
    const pending: Promise<void>[] = [];
    for (let tick = 0; ; tick++) {
      const due = Math.floor(((tick + 1) * 10 * RATE) / 1000);
      if (performance.now() - start >= SECONDS * 1000) break;
      while (sent < due) {
        if (inFlight >= 512) {
          skipped++;
          sent++;
          continue;
        }
        pending.push(post(sent++));
      }
      const next = start + (tick + 1) * 10;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      if (pending.length > 10_000) pending.splice(0, pending.length - 1000);
    }
    await Promise.all(pending);
    agent.destroy();
    const writeEnd = performance.now();
    const drained = await until(() => feeds.every((f) => f.status().lastSeq >= ackedMax), 60_000);
    const drain = performance.now() - writeEnd;
    clearInterval(sampler);
    const rateLatency = new Samples();
    for (const m of appliedAt) {
      for (const [s, t] of m) {
        const t0 = ackAt.get(s);
        if (t0 !== undefined) rateLatency.push(Math.max(0, t - t0));
      }
    }
    const resets = feeds.reduce((a, f) => a + f.counters.resets, 0);
    const acked = ackAt.size;
    const seconds = (writeEnd - start) / 1000;

    const l = latency.summary();
    const notes = [
      `## Latency: /revoke response → rejection at each of ${FEEDS} feeds`,
      '',
      ...HEAD,
      row(`${SAMPLES} revocations × ${FEEDS} feeds`, l),
      '',
      `${early} of ${l.n} samples were applied before the /revoke response reached the client (counted as 0). ` +
        `Target p99 < 100 ms: ${l.p99 < 100 ? 'met' : '**MISSED**'}.`,
      '',
      `## Sustained: ${RATE} revocations/s for ${SECONDS} s (admin API) → ${FEEDS} feeds`,
      '',
      ...HEAD,
      row('ack → applied, every (event × feed)', rateLatency.summary()),
      row(`lag per feed (acked − applied), every 100 ms`, lag.summary(), 'seq'),
      '',
      `Acknowledged ${acked} revocations in ${seconds.toFixed(1)} s (${(acked / seconds).toFixed(0)}/s); ` +
        `${failures} failed, ${skipped} not sent (512 requests already in flight). ` +
        `Every feed had applied everything ${drain.toFixed(0)} ms after the last acknowledgement` +
        `${drained ? '' : ' (**NOT drained within 60 s**)'}; resets: ${resets}; max lag ${maxLag} seq.`,
      `Target ${RATE}/s without any subscriber falling behind: ${
        drained && resets === 0 && failures === 0 && skipped === 0 && acked / seconds >= RATE * 0.97
          ? 'met'
          : '**MISSED**'
      }.`,
      '',
      `The server is \`signet serve\` (SQLite, synchronous=FULL) in its own process; the ${FEEDS} feeds share this process.`,
    ];
    const samples = perSecond.slice(0, Math.floor(seconds)).filter((n) => n > 0);
    const sorted = [...samples].sort((a, b) => a - b);
    writeReport({
      name: 'revocation',
      options: { rounds: samples.length, sliceMs: 1000, warmupMs: 0 },
      results: [
        {
          name: `revocations acknowledged per second, ${FEEDS} feeds subscribed`,
          contenders: [
            {
              name: 'signet (admin API)',
              kind: 'signet',
              samples,
              median: sorted[sorted.length >> 1] ?? 0,
              vsPrimitive: undefined,
              vsBestPeer: undefined,
            },
          ],
        },
      ],
      notes,
      extra: {
        latency: l,
        sustained: { rate: rateLatency.summary(), lag: lag.summary(), drain, resets, acked },
      },
    });
  } finally {
    await Promise.all(feeds.map((f) => f.close()));
    await auth.stop();
  }
}
