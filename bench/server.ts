/**
 * `npm run bench:server`: the token endpoint under load (client_credentials, `client_secret_basic`, ES256),
 * Signet beside node-oidc-provider and a minimal Fastify endpoint (the practical limit), each a separate
 * process pinned to core 0 while autocannon runs here on core 1. Also: Signet on PostgreSQL beside SQLite,
 * two replicas on one PostgreSQL database, p99 at 80 % of Signet's maximum, the default token size, and
 * 1 vs 2 `node:cluster` workers.
 *
 * Knobs: BENCH_LOAD_ROUNDS (5), BENCH_LOAD_SECONDS (5), BENCH_LOAD_WARMUP (2), BENCH_LOAD_CONNECTIONS (10),
 * BENCH_RATE_SECONDS (8), BENCH_SERVER_SKIP=pg,replicas,scaling,signing, BENCH_NO_PIN=1, BENCH_NICE (e.g. -10).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDataDir } from '@signet/server';
import { startPostgres } from '../packages/server/test/helpers/postgres.js';
import { writeReport } from './lib/report.js';
import {
  envNumber,
  latencyTable,
  load,
  loadSettings,
  type LoadTarget,
  type LoadTargetResult,
  pinLoadGenerator,
  runLoadRounds,
  runOptions,
  type ServerProcess,
  sourceVersion,
  spawnServer,
  pairedRatio,
  toCaseResult,
} from './servers/harness.js';
import { tokenFacts, type TokenFacts } from './servers/token-facts.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://s2.example';
const SCOPES = ['orders:read', 'orders:write'];
const BODY = `grant_type=client_credentials&scope=orders%3Aread&resource=${encodeURIComponent(AUDIENCE)}`;

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function tokenShape(id: string, secret: string) {
  return {
    method: 'POST' as const,
    path: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
    body: BODY,
  };
}

/** A Signet deployment: its processes, a data directory, and a client created through the admin API. */
interface SignetTarget {
  procs: ServerProcess[];
  dir: string;
  clientId: string;
  secret: string;
}

async function startSignet(
  label: string,
  opts: { db?: string; replicas?: number; workers?: number; cpus: string | undefined },
): Promise<SignetTarget> {
  const dir = mkdtempSync(join(tmpdir(), `signet-bench-${label}-`));
  const init = await initDataDir(dir);
  const env: Record<string, string> = {
    SIGNET_BENCH_DATA: dir,
    ISSUER,
    ...(opts.db ? { SIGNET_BENCH_DB: opts.db } : {}),
    ...(opts.workers ? { WORKERS: String(opts.workers) } : {}),
  };
  const procs: ServerProcess[] = [];
  // Replicas start one after the other: the first migrates and creates the signing keys.
  for (let i = 0; i < (opts.replicas ?? 1); i++)
    procs.push(await spawnServer('signet', { env, cpus: opts.cpus }));
  const adminUrl = procs[0]!.info['adminUrl'] as string;
  const res = await fetch(`${adminUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `bench-${label}`, scopes: SCOPES, audiences: [AUDIENCE] }),
  });
  if (res.status !== 201) throw new Error(`${label}: creating the client failed with ${res.status}`);
  const created = (await res.json()) as { client: { client_id: string }; client_secret: string };
  return { procs, dir, clientId: created.client.client_id, secret: created.client_secret };
}

function signetTarget(name: string, t: SignetTarget, extraPids: readonly number[] = []): LoadTarget {
  return {
    name,
    kind: 'signet',
    urls: t.procs.map((p) => p.info.url),
    shape: tokenShape(t.clientId, t.secret),
    pids: [...t.procs.map((p) => p.pid), ...extraPids],
  };
}

/** The postmaster's pid (its backends are its children): the database's CPU is part of a request's cost. */
function postmasterPid(dir: string): number[] {
  try {
    const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? [pid] : [];
  } catch {
    return [];
  }
}

async function stopAll(procs: readonly ServerProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => p.stop()));
}

/** Gets one token from a target (and checks every replica answers 200). */
async function oneToken(target: LoadTarget): Promise<string> {
  let token = '';
  for (const url of target.urls) {
    const res = await fetch(new URL('/token', url), {
      method: 'POST',
      headers: target.shape.headers ?? {},
      body: target.shape.body ?? '',
    });
    const body = (await res.json()) as { access_token?: string };
    if (res.status !== 200 || typeof body.access_token !== 'string') {
      throw new Error(`${target.name}: token request answered ${res.status} ${JSON.stringify(body)}`);
    }
    token = body.access_token;
  }
  return token;
}

export async function run(_args: string[]): Promise<void> {
  const skip = new Set((process.env.BENCH_SERVER_SKIP ?? '').split(',').filter(Boolean));
  const settings = loadSettings({ rounds: 5, seconds: 5, warmupSeconds: 2, connections: 10 });
  const rateSeconds = envNumber('BENCH_RATE_SECONDS', 8);
  const placement = pinLoadGenerator();
  const log = (s: string) => console.log(s);
  log(`placement: ${placement.describe}`);
  log(
    `load: ${settings.rounds} rounds × ${settings.seconds} s per target, ${settings.connections} keep-alive connections`,
  );

  const cpus = placement.serverCpus;
  const procs: ServerProcess[] = [];
  const dirs: string[] = [];
  let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;
  const notes: string[] = [];
  const extra: Record<string, unknown> = { placement: placement.describe, settings, source: sourceVersion() };
  try {
    // --- the peers and the practical limit
    const clientId = 'bench-client';
    const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
    const peerEnv = { CLIENT_ID: clientId, CLIENT_SECRET: secret, AUDIENCE, ISSUER };
    const minimal = await spawnServer('minimal', { cpus, env: { ...peerEnv, SCOPE: 'orders:read' } });
    const oidc = await spawnServer('oidc-provider', { cpus, env: { ...peerEnv, SCOPE: SCOPES.join(' ') } });
    procs.push(minimal, oidc);
    const targets: LoadTarget[] = [
      {
        name: 'minimal Fastify + sign',
        kind: 'primitive',
        urls: [minimal.info.url],
        shape: tokenShape(clientId, secret),
        pids: [minimal.pid],
      },
      {
        name: 'oidc-provider 8.8.1',
        kind: 'peer',
        urls: [oidc.info.url],
        shape: tokenShape(clientId, secret),
        pids: [oidc.pid],
      },
    ];

    // --- Signet on SQLite, on PostgreSQL, and two replicas on one PostgreSQL database
    const sqlite = await startSignet('sqlite', { cpus });
    procs.push(...sqlite.procs);
    dirs.push(sqlite.dir);
    targets.push(signetTarget('signet (SQLite)', sqlite));
    if (!skip.has('pg')) {
      pg = await startPostgres();
      const onPg = await startSignet('pg', { cpus, db: pg.url });
      procs.push(...onPg.procs);
      dirs.push(onPg.dir);
      const pgPids = postmasterPid(pg.dir);
      targets.push(signetTarget('signet (PostgreSQL)', onPg, pgPids));
      if (!skip.has('replicas')) {
        const two = await startSignet('replicas', {
          cpus,
          db: await pg.createDatabase('replicas'),
          replicas: 2,
        });
        procs.push(...two.procs);
        dirs.push(two.dir);
        targets.push(signetTarget('signet 2 replicas (PostgreSQL, same core)', two, pgPids));
      }
    }

    // --- correctness and size before speed
    const tokens: Record<string, TokenFacts> = {};
    for (const t of targets) tokens[t.name] = tokenFacts(await oneToken(t));
    extra['tokens'] = tokens;

    log('\ntoken endpoint, interleaved rounds:');
    const main = await runLoadRounds(targets, { ...settings, log });

    // --- latency at 80 % of Signet's maximum
    const at80: { name: string; rate: number; sample: Awaited<ReturnType<typeof load>> }[] = [];
    for (const r of main.filter((x) => x.kind === 'signet' && !x.name.includes('replicas'))) {
      const t = targets.find((x) => x.name === r.name)!;
      const rate = Math.round(r.rps * 0.8);
      const sample = await load(t.urls, t.shape, {
        seconds: rateSeconds,
        connections: settings.connections,
        overallRate: rate,
      });
      log(
        `  ${r.name} at ${rate} req/s (80 %): p50 ${sample.p50} ms, p99 ${sample.p99} ms, got ${Math.round(sample.rps)} req/s`,
      );
      at80.push({ name: r.name, rate, sample });
    }
    extra['at80'] = at80;
    await stopAll(procs.splice(0));

    // --- scaling with node:cluster: 1 vs 2 workers sharing the port
    let scaling: LoadTargetResult[] = [];
    if (!skip.has('scaling')) {
      const both = placement.pinned ? '0,1' : undefined;
      log('\nnode:cluster workers, server allowed on both cores (autocannon shares core 1):');
      const s1 = await startSignet('w1', { cpus: both });
      const s2 = await startSignet('w2', { cpus: both, workers: 2 });
      const m1 = await spawnServer('minimal', { cpus: both, env: { ...peerEnv, SCOPE: 'orders:read' } });
      const m2 = await spawnServer('minimal', {
        cpus: both,
        env: { ...peerEnv, SCOPE: 'orders:read', WORKERS: '2' },
      });
      procs.push(...s1.procs, ...s2.procs, m1, m2);
      dirs.push(s1.dir, s2.dir);
      const scaleTargets: LoadTarget[] = [
        { ...signetTarget('signet, 1 process', s1) },
        { ...signetTarget('signet, 2 cluster workers', s2) },
        {
          name: 'minimal, 1 process',
          kind: 'primitive',
          urls: [m1.info.url],
          shape: tokenShape(clientId, secret),
          pids: [m1.pid],
        },
        {
          name: 'minimal, 2 cluster workers',
          kind: 'peer',
          urls: [m2.info.url],
          shape: tokenShape(clientId, secret),
          pids: [m2.pid],
        },
      ];
      for (const t of scaleTargets) await oneToken(t);
      scaling = await runLoadRounds(scaleTargets, { ...settings, log });
      await stopAll(procs.splice(0));
    }

    // --- stretch: what signing costs inside a server (the same endpoint with and without a signature per request)
    let signing: LoadTargetResult[] = [];
    if (!skip.has('signing')) {
      log('\nsigning inside a server: the minimal endpoint with and without signing per request:');
      const withSign = await spawnServer('minimal', { cpus, env: { ...peerEnv, SCOPE: 'orders:read' } });
      const noSign = await spawnServer('minimal', {
        cpus,
        env: { ...peerEnv, SCOPE: 'orders:read', NOSIGN: '1' },
      });
      procs.push(withSign, noSign);
      const shape = tokenShape(clientId, secret);
      signing = await runLoadRounds(
        [
          {
            name: 'minimal, signs per request',
            kind: 'primitive',
            urls: [withSign.info.url],
            shape,
            pids: [withSign.pid],
          },
          {
            name: 'minimal, token signed once',
            kind: 'peer',
            urls: [noSign.info.url],
            shape,
            pids: [noSign.pid],
          },
        ],
        { ...settings, log },
      );
      await stopAll(procs.splice(0));
    }

    // --- report
    const byName = (n: string) => main.find((r) => r.name === n);
    const signet = byName('signet (SQLite)')!;
    const oidcR = byName('oidc-provider 8.8.1')!;
    const minR = byName('minimal Fastify + sign')!;
    const pgR = byName('signet (PostgreSQL)');
    const defaultToken = tokens['signet (SQLite)']!;
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    notes.push(
      `Placement: ${placement.describe}. autocannon, ${settings.connections} keep-alive connections, pipelining 1; ` +
        'req/s counts 2xx responses only; latency from autocannon (1 ms resolution); medians of the rounds.',
      `Request: POST /token, client_secret_basic, body \`${BODY}\`. Source: ${JSON.stringify(extra['source'])}.`,
      '',
      '### Token endpoint (medians)',
      '',
      ...latencyTable(main, [
        { label: 'oidc-provider', name: oidcR.name },
        { label: 'minimal', name: minR.name },
      ]),
      '',
      '### Targets',
      '',
      'Ratios below are medians of per-round ratios (targets measured in the same round are adjacent in time).',
      ...[signet, ...(pgR ? [pgR] : [])].flatMap((x) => {
        const vsOidc = [pairedRatio(x, oidcR, 'rps'), pairedRatio(x, oidcR, 'perCpuSecond')] as const;
        const vsMin = [pairedRatio(x, minR, 'rps'), pairedRatio(x, minR, 'perCpuSecond')] as const;
        return [
          `- ${x.name} vs oidc-provider: ${vsOidc[0].toFixed(2)}× req/s, ${vsOidc[1].toFixed(2)}× per CPU-s ` +
            `(target ≥ 2×) — ${vsOidc[0] >= 2 && vsOidc[1] >= 2 ? 'met' : vsOidc[1] >= 2 ? 'met per CPU-s' : 'missed'}`,
          `- ${x.name} vs minimal endpoint: ${pct(vsMin[0])} req/s, ${pct(vsMin[1])} per CPU-s ` +
            `(target ≥ 80 %) — ${vsMin[0] >= 0.8 && vsMin[1] >= 0.8 ? 'met' : vsMin[1] >= 0.8 ? 'met per CPU-s' : 'missed'}`,
        ];
      }),
      ...at80.map(
        (a) =>
          `- ${a.name}, p99 at 80 % of its maximum (${a.rate} req/s fixed rate, ${rateSeconds} s): ${a.sample.p99} ms ` +
          `(p50 ${a.sample.p50} ms, served ${Math.round(a.sample.rps)} req/s; target < 10 ms) — ${a.sample.p99 < 10 ? 'met' : 'missed'}`,
      ),
      `- Default Signet access token: ${defaultToken.bytes} bytes (goal ≤ 400) — ${defaultToken.bytes <= 400 ? 'met' : 'missed'}`,
      '',
      '### Access token sizes (one token from each target, same request)',
      '',
      '| target | bytes | header | claims |',
      '| --- | ---: | --- | --- |',
      ...Object.entries(tokens).map(
        ([name, f]) =>
          `| ${name} | ${f.bytes} | \`${JSON.stringify(f.header)}\` | ${Object.keys(f.claims).join(', ')} |`,
      ),
    );
    if (scaling.length > 0) {
      notes.push(
        '',
        '### node:cluster workers on this 2-core machine (server on cores 0-1, autocannon on core 1)',
        '',
        ...latencyTable(scaling, [
          { label: '1 process (same server)', name: 'signet, 1 process' },
          { label: 'minimal 1 process', name: 'minimal, 1 process' },
        ]),
      );
    }
    if (signing.length === 2) {
      const [a, b] = signing as [LoadTargetResult, LoadTargetResult];
      const us = (1e6 / a.perCpuSecond - 1e6 / b.perCpuSecond).toFixed(0);
      notes.push(
        '',
        '### Signing inside a server (same endpoint, per-request signature vs a token signed once)',
        '',
        ...latencyTable(signing, [{ label: 'signs per request', name: a.name }]),
        '',
        `CPU per request: ${(1e6 / a.perCpuSecond).toFixed(0)} µs with signing, ${(1e6 / b.perCpuSecond).toFixed(0)} µs ` +
          `without: one ES256 signature costs about ${us} µs of server CPU here (compare the jose bench's tight loop).`,
      );
    }
    writeReport({
      name: 'server',
      options: runOptions(settings),
      results: [
        toCaseResult('token endpoint (client_credentials, ES256)', main),
        ...(scaling.length > 0 ? [toCaseResult('node:cluster 1 vs 2 workers', scaling)] : []),
        ...(signing.length > 0 ? [toCaseResult('signing inside a server', signing)] : []),
      ],
      notes,
      extra: { ...extra, main, scaling, signing },
    });
  } finally {
    await stopAll(procs);
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
