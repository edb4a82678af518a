/**
 * Profiles one token-endpoint target under load: spawns it pinned to core 0 with `--cpu-prof`, warms it up,
 * loads it for a while with autocannon, stops it (which writes the profile) and prints where the CPU went.
 *
 * Usage: `node --conditions=signet-source --import tsx bench/servers/profile.ts [signet|minimal|oidc-provider|hello-<MODE>]`
 * (`hello-guard-cache`: the guarded hello-world of `bench/guard.ts`).
 * Environment: `PROFILE_SECONDS` (8), `PROFILE_DIR` (a temporary directory), `PROFILE_OFF=1` (no profiler:
 * the throughput alone), `BENCH_NICE`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDataDir } from '@signet/server';
import { createSigner, exportJwk, generateKeyPair } from '@signet/jose';
import { startIssuer } from '../guard.js';
import { load, pinLoadGenerator, type RequestShape, type ServerProcess, spawnServer } from './harness.js';
import { summarize } from './profile-summary.js';

const which = process.argv[2] ?? 'signet';
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const profDir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'signet-prof-'));
const flags = process.env.PROFILE_OFF === '1' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://s2.example';
pinLoadGenerator();

let proc: ServerProcess;
let id = 'bench-client';
let secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
let shape: RequestShape | undefined;
let dataDir: string | undefined;
if (which.startsWith('hello-')) {
  // A guarded hello-world (MODE = none, guard, guard-cache, fastify-jwt…) with a fixture issuer.
  const { privateKey, publicKey } = generateKeyPair('ES256');
  const issuer = await startIssuer({ keys: [exportJwk(publicKey)] });
  const token = createSigner(privateKey, { typ: 'at+jwt', issuer: issuer.issuer, expiresIn: 3600 })({
    sub: 's1',
    aud: AUDIENCE,
    client_id: 's1',
    scope: 'orders:read',
    jti: 'profile',
  });
  proc = await spawnServer('hello', {
    cpus: '0',
    env: { MODE: which.slice(6), ISSUER: issuer.issuer, AUDIENCE },
    nodeFlags: flags,
  });
  shape = { method: 'GET', path: '/hello', headers: { authorization: `Bearer ${token}` } };
} else if (which === 'signet') {
  const dir = mkdtempSync(join(tmpdir(), 'signet-prof-data-'));
  dataDir = dir;
  const init = await initDataDir(dir);
  proc = await spawnServer('signet', {
    cpus: '0',
    env: { SIGNET_BENCH_DATA: dir, ISSUER },
    nodeFlags: flags,
  });
  const res = await fetch(`${proc.info['adminUrl'] as string}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'profile', scopes: ['orders:read'], audiences: [AUDIENCE] }),
  });
  const created = (await res.json()) as { client: { client_id: string }; client_secret: string };
  id = created.client.client_id;
  secret = created.client_secret;
} else {
  proc = await spawnServer(which, {
    cpus: '0',
    env: { CLIENT_ID: id, CLIENT_SECRET: secret, AUDIENCE, SCOPE: 'orders:read', ISSUER },
    nodeFlags: flags,
  });
}
shape ??= {
  method: 'POST' as const,
  path: '/token',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  },
  body: `grant_type=client_credentials&scope=orders%3Aread&resource=${encodeURIComponent(AUDIENCE)}`,
};
await load([proc.info.url], shape, { seconds: 3, connections: 10, pids: [proc.pid] });
const s = await load([proc.info.url], shape, { seconds, connections: 10, pids: [proc.pid] });
console.log(
  `${which}: ${Math.round(s.rps)} req/s, ${Math.round(s.perCpuSecond)} per server CPU-s, p50 ${s.p50} ms, p99 ${s.p99} ms, non-2xx ${s.non2xx}`,
);
await proc.stop();
if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
if (flags.length > 0) {
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) console.log(`no profile in ${profDir}`);
  else {
    console.log(`profile: ${join(profDir, file)}`);
    console.log(summarize(JSON.parse(readFileSync(join(profDir, file), 'utf8')), 35, seconds));
  }
}
// The fixture issuer of the hello-* targets keeps the loop alive.
process.exit(0);
