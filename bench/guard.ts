/**
 * `npm run bench:guard`: a Fastify hello-world with no authentication, behind @fastify/jwt + get-jwks, behind
 * `@signet/guard` without and with its verified-token cache; then the gateway (`createGateway`, proxy mode)
 * beside a plain @fastify/http-proxy in front of the same upstream. ES256 tokens from a fixture issuer
 * served by this process (discovery + JWKS); every server is its own process pinned to core 0, autocannon
 * runs here on core 1.
 *
 * Knobs: BENCH_LOAD_ROUNDS (11), BENCH_LOAD_SECONDS (2), BENCH_LOAD_WARMUP (2), BENCH_LOAD_CONNECTIONS (10),
 * BENCH_GUARD_SKIP=gateway, BENCH_NO_PIN=1, BENCH_NICE.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner, exportJwk, generateKeyPair } from '@signet/jose';
import { writeReport } from './lib/report.js';
import {
  latencyTable,
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
import { tokenFacts } from './servers/token-facts.js';

const AUDIENCE = 'https://s2.example';

/** A fixture issuer: RFC 8414 and OpenID discovery documents and a JWKS, on a free loopback port. */
export async function startIssuer(
  jwks: unknown,
): Promise<{ issuer: string; hits: Map<string, number>; close(): Promise<void> }> {
  let issuer = '';
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(body));
    };
    if (
      req.url === '/.well-known/oauth-authorization-server' ||
      req.url === '/.well-known/openid-configuration'
    ) {
      json({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
    } else if (req.url === '/.well-known/jwks.json') json(jwks);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const get = (token: string | undefined) => ({
  method: 'GET' as const,
  path: '/hello',
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});

/** One authenticated request per target before anything is measured: 200 with a token, 401 without. */
async function check(target: LoadTarget, authenticated: boolean): Promise<void> {
  for (const url of target.urls) {
    const ok = await fetch(new URL('/hello', url), { headers: target.shape.headers ?? {} });
    if (ok.status !== 200) throw new Error(`${target.name}: answered ${ok.status} to a valid request`);
    await ok.arrayBuffer();
    if (!authenticated) continue;
    const denied = await fetch(new URL('/hello', url));
    await denied.arrayBuffer();
    if (denied.status !== 401) throw new Error(`${target.name}: answered ${denied.status} without a token`);
  }
}

export async function run(_args: string[]): Promise<void> {
  const skip = new Set((process.env.BENCH_GUARD_SKIP ?? '').split(',').filter(Boolean));
  // Many short rounds: each ratio pairs two targets run seconds apart, so drift on a shared host cancels
  // out (5 rounds of 5 s scattered from 0.55 to 0.91 on the cached-guard ratio; 11 × 2 s held 0.91–0.98).
  const settings = loadSettings({ rounds: 11, seconds: 2, warmupSeconds: 2, connections: 10 });
  const placement = pinLoadGenerator();
  const log = (s: string) => console.log(s);
  log(`placement: ${placement.describe}`);
  const cpus = placement.serverCpus;

  const { privateKey, publicKey } = generateKeyPair('ES256');
  const issuer = await startIssuer({ keys: [{ ...exportJwk(publicKey), use: 'sig' }] });
  const sign = createSigner(privateKey, { typ: 'at+jwt', issuer: issuer.issuer, expiresIn: 3600 });
  const token = sign({
    sub: 's1',
    aud: AUDIENCE,
    client_id: 's1',
    scope: 'orders:read',
    jti: randomBytes(12).toString('base64url'),
  });
  const env = { ISSUER: issuer.issuer, AUDIENCE };
  const procs: ServerProcess[] = [];
  try {
    const start = async (script: string, mode: string, extra: Record<string, string> = {}) => {
      const p = await spawnServer(script, { cpus, env: { ...env, ...extra, MODE: mode } });
      procs.push(p);
      return p;
    };
    const none = await start('hello', 'none');
    const fjwt = await start('hello', 'fastify-jwt');
    const fjwtMemo = await start('hello', 'fastify-jwt-memo');
    const guard = await start('hello', 'guard');
    const cached = await start('hello', 'guard-cache');
    // Every target receives the same request, bearer token included: the no-auth server ignores it,
    // so the difference between the targets is the verification work, not the parsing of a longer request.
    const target = (name: string, kind: LoadTarget['kind'], p: ServerProcess): LoadTarget => ({
      name,
      kind,
      urls: [p.info.url],
      shape: get(token),
      pids: [p.pid],
    });
    const targets = [
      target('no auth', 'primitive', none),
      target('@fastify/jwt + get-jwks', 'peer', fjwt),
      target('@fastify/jwt + get-jwks, PEM memoized', 'peer', fjwtMemo),
      target('@signet/guard', 'signet', guard),
      target('@signet/guard + cache', 'signet', cached),
    ];
    for (const t of targets) await check(t, t.kind !== 'primitive');
    log('\nFastify hello-world, interleaved rounds:');
    const frameworks = await runLoadRounds(targets, { ...settings, log });
    await Promise.all(procs.splice(0).map((p) => p.stop()));

    let gateways: LoadTargetResult[] = [];
    if (!skip.has('gateway')) {
      const upstream = await start('hello', 'none');
      const up = { UPSTREAM: upstream.info.url };
      const plain = await start('proxy', 'http-proxy', up);
      const gw = await start('proxy', 'gateway', up);
      const gwc = await start('proxy', 'gateway-cache', up);
      const via = (name: string, kind: LoadTarget['kind'], p: ServerProcess): LoadTarget => ({
        ...target(name, kind, p),
        pids: [p.pid, upstream.pid],
      });
      const gtargets = [
        target('upstream direct', 'primitive', upstream),
        via('@fastify/http-proxy (no auth)', 'peer', plain),
        via('signet gateway', 'signet', gw),
        via('signet gateway + cache', 'signet', gwc),
      ];
      for (const t of gtargets) await check(t, t.kind === 'signet');
      log('\nreverse proxies in front of the same upstream (proxy and upstream on core 0):');
      gateways = await runLoadRounds(gtargets, { ...settings, log });
      await Promise.all(procs.splice(0).map((p) => p.stop()));
    }

    const find = (rs: readonly LoadTargetResult[], n: string) => rs.find((r) => r.name === n)!;
    const noAuth = find(frameworks, 'no auth');
    const fj = find(frameworks, '@fastify/jwt + get-jwks');
    const fjm = find(frameworks, '@fastify/jwt + get-jwks, PEM memoized');
    const g = find(frameworks, '@signet/guard');
    const gc = find(frameworks, '@signet/guard + cache');
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    const notes = [
      `Placement: ${placement.describe}. autocannon, ${settings.connections} keep-alive connections, pipelining 1, ` +
        'one ES256 token (RFC 9068, 3 claims checked: iss, aud, exp) on every request; req/s counts 2xx only; ' +
        'latency from autocannon (1 ms resolution); medians of the rounds. "req per server CPU-s" divides the ' +
        "2xx responses by the CPU time the server's processes used: it does not depend on the load generator.",
      `Source: ${JSON.stringify(sourceVersion())}. Token: ${tokenFacts(token).bytes} bytes. Fixture issuer requests during the run (every process): ` +
        [...issuer.hits.entries()].map(([path, n]) => `${path} ${n}`).join(', ') +
        '. get-jwks converts the JWK to PEM with jwk-to-pem (pure JavaScript) on every request, which is ' +
        'most of the README setup\'s cost; the "PEM memoized" row keeps that PEM per kid.',
      '',
      '### Fastify hello-world (medians)',
      '',
      ...latencyTable(frameworks, [
        { label: 'no auth', name: noAuth.name },
        { label: '@fastify/jwt', name: fj.name },
      ]),
      '',
      '### Targets',
      '',
      'Ratios are medians of per-round ratios (targets measured in the same round are adjacent in time).',
      ...(() => {
        const r = (a: LoadTargetResult, b: LoadTargetResult) =>
          [pairedRatio(a, b, 'rps'), pairedRatio(a, b, 'perCpuSecond')] as const;
        const [gf, gfc] = r(g, fj);
        const [gm, gmc] = r(g, fjm);
        const [cn, cnc] = r(gc, noAuth);
        return [
          `- guard without cache vs @fastify/jwt: ${gf.toFixed(2)}× req/s, ${gfc.toFixed(2)}× per CPU-s ` +
            `(target ≥ 1×) — ${verdict(gf >= 1 && gfc >= 1)}`,
          `- guard without cache vs @fastify/jwt with the PEM memoized (not what the READMEs show): ` +
            `${gm.toFixed(2)}× req/s, ${gmc.toFixed(2)}× per CPU-s`,
          `- guard with cache vs no auth: ${pct(cn)} req/s, ${pct(cnc)} per CPU-s (target ≥ 90 %) — ` +
            verdict(cn >= 0.9 && cnc >= 0.9),
        ];
      })(),
    ];
    if (gateways.length > 0) {
      const direct = find(gateways, 'upstream direct');
      const plain = find(gateways, '@fastify/http-proxy (no auth)');
      notes.push(
        '',
        '### Reverse proxies in front of the same Fastify upstream (medians; CPU-s counts proxy + upstream)',
        '',
        ...latencyTable(gateways, [
          { label: 'direct', name: direct.name },
          { label: '@fastify/http-proxy', name: plain.name },
        ]),
        '',
        ...gateways
          .filter((x) => x.kind === 'signet')
          .map(
            (x) =>
              `- ${x.name} vs @fastify/http-proxy (no auth): ${pairedRatio(x, plain, 'rps').toFixed(2)}× req/s, ` +
              `${pairedRatio(x, plain, 'perCpuSecond').toFixed(2)}× per CPU-s (proxy + upstream)`,
          ),
      );
    }
    writeReport({
      name: 'guard',
      options: runOptions(settings),
      results: [
        toCaseResult('Fastify hello-world (ES256 bearer)', frameworks),
        ...(gateways.length > 0 ? [toCaseResult('reverse proxy (ES256 bearer)', gateways)] : []),
      ],
      notes,
      extra: { placement: placement.describe, settings, source: sourceVersion(), frameworks, gateways },
    });
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await issuer.close();
  }
}
