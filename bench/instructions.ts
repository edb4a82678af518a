/**
 * Instruction counts of one RS256 verification, under valgrind (callgrind): deterministic where
 * timings on a shared machine drift by ±5–20 %. Each variant runs in its own process twice, with
 * `LOW` and `HIGH` iterations after the same warm-up; the difference divided by `HIGH − LOW` is the
 * cost of one call, start-up and JIT warm-up cancelled out.
 *
 * Variants: `primitive` (node:crypto on the token text, as in `bench:jose`), `floor` (primitive +
 * segments + JSON.parse of the payload + exp: the least a JWT verifier does), `signet` (`createVerifier`
 * with iss, aud and exp checked), and on request `signet-mixed` (the same after Signet verified tokens of
 * four other algorithms: polymorphic call sites, as in `bench:jose`). `INSTRUCTIONS_VARIANTS=a,b`
 * picks variants.
 *
 * Usage: `node --conditions=signet-source --import tsx bench/instructions.ts` (needs valgrind; a few
 * minutes). `bench/instructions.ts --child <variant> <n> <pem>` is the measured process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigner, createVerifier, generateKeyPair, generateSecret, importPem } from '@signet/jose';

const VARIANTS = (process.env.INSTRUCTIONS_VARIANTS?.split(',') ?? [
  'primitive',
  'floor',
  'signet',
]) as readonly string[];
const LOW = 4000;
const HIGH = 12000;
const WARMUP = 3000;
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';

function child(variant: string, n: number, pemPath: string): void {
  const pem = readFileSync(pemPath, 'utf8');
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const token = createSigner(importPem(pem, 'RS256'), {
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: 3600,
  })({
    sub: 'client-123',
  });
  const verifier = createVerifier(
    importPem(publicKey.export({ type: 'spki', format: 'pem' }) as string, 'RS256'),
    {
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp'],
    },
  );
  const check = (data: Buffer, sig: Buffer) => verify('sha256', data, publicKey, sig);
  const dot2 = token.lastIndexOf('.');
  const input = token.slice(0, dot2);
  const signature = token.slice(dot2 + 1);
  const fns: Record<string, () => unknown> = {
    primitive: () => check(Buffer.from(input, 'latin1'), Buffer.from(signature, 'base64url')),
    floor: () => {
      const d1 = token.indexOf('.');
      const d2 = token.lastIndexOf('.');
      if (!check(Buffer.from(token.slice(0, d2), 'latin1'), Buffer.from(token.slice(d2 + 1), 'base64url')))
        throw new Error('bad signature');
      const claims = JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString('utf8'));
      if (!(claims.exp > Date.now() / 1000)) throw new Error('expired');
      return claims;
    },
    signet: () => verifier(token),
    'signet-mixed': () => verifier(token),
  };
  if (variant === 'signet-mixed') mixWarmUp(pem);
  const fn = fns[variant];
  if (fn === undefined) throw new Error(`unknown variant ${variant}`);
  for (let i = 0; i < WARMUP; i++) fn();
  for (let i = 0; i < n; i++) fn();
}

/**
 * `signet-mixed`: before measuring RS256, Signet verifies tokens of every other algorithm, as a
 * process serving several issuers would (and as `bench:jose` does, all algorithms in one process):
 * the shared hot-path functions then carry polymorphic feedback.
 */
function mixWarmUp(pem: string): void {
  const keys = [
    { signWith: generateSecret('HS256'), verifyWith: undefined },
    // The RSA key is the fixed one: RSA key generation would add a random cost to both runs.
    { signWith: importPem(pem, 'PS256'), verifyWith: undefined },
    ...(['ES256', 'EdDSA'] as const).map((alg) => {
      const pair = generateKeyPair(alg);
      return { signWith: pair.privateKey, verifyWith: pair.publicKey };
    }),
  ];
  for (const { signWith, verifyWith } of keys) {
    const t = createSigner(signWith, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 3600 })({ sub: 'x' });
    const v = createVerifier(verifyWith ?? signWith, {
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp'],
    });
    for (let i = 0; i < 2000; i++) v(t);
  }
}

function totalInstructions(file: string): number {
  const out = execFileSync('callgrind_annotate', [file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = out.split('\n').find((l) => l.includes('PROGRAM TOTALS'));
  if (line === undefined) throw new Error(`no totals in ${file}`);
  return Number((line.trim().split(/\s+/)[0] ?? '').replaceAll(',', ''));
}

function measure(dir: string, variant: string, n: number, pem: string): Promise<number> {
  const out = join(dir, `${variant}.${n}.callgrind`);
  const self = fileURLToPath(import.meta.url);
  const args = [
    '--tool=callgrind',
    `--callgrind-out-file=${out}`,
    process.execPath,
    '--conditions=signet-source',
    '--import',
    'tsx',
    self,
    '--child',
    variant,
    String(n),
    pem,
  ];
  return new Promise((resolve, reject) => {
    const p = spawn('valgrind', args, { stdio: 'ignore' });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(totalInstructions(out)) : reject(new Error(`valgrind exit ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-instr-'));
  try {
    const pem = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const perCall: Record<string, number> = {};
    for (const v of VARIANTS) {
      const [low, high] = await Promise.all([measure(dir, v, LOW, pem), measure(dir, v, HIGH, pem)]);
      perCall[v] = Math.round((high - low) / (HIGH - LOW));
      console.log(`${v.padEnd(10)} ${perCall[v]} instructions per RS256 verification`);
    }
    const base = perCall.primitive;
    if (base === undefined) return;
    for (const v of VARIANTS) {
      console.log(`${v.padEnd(10)} primitive/variant ${(base / (perCall[v] as number)).toFixed(3)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child')
  child(process.argv[3] ?? '', Number(process.argv[4]), process.argv[5] ?? '');
else await main();
