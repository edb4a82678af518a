/**
 * `npm run bench:jose`: sign and verify for HS256, RS256, PS256, ES256 and EdDSA with claim
 * checks on (iss, aud, exp), Signet against the raw node:crypto primitive and the peers
 * (fast-jwt, jsonwebtoken, jose), plus the verified-token cache hit. Interleaved rounds, medians.
 *
 * Environment: BENCH_ROUNDS (default 15), BENCH_SLICE_MS (default 100), BENCH_WARMUP_MS (default 100),
 * BENCH_CLOCK (`cpu`, the default: ops per CPU-second of this process; or `wall`), BENCH_JOSE_ALGS
 * (comma-separated subset of HS256, RS256, PS256, ES256, EdDSA; default all, in one process).
 */
import { algCases, cacheCase, MISSING } from './jose/contenders.js';
import { BENCH_ALGS, fixture } from './jose/fixtures.js';
import { writeReport } from './lib/report.js';
import { type BenchCase, type CaseResult, optionsFromEnv, runCases } from './lib/runner.js';

/** The targets, checked against the measured medians. */
function targetNotes(results: readonly CaseResult[]): { notes: string[]; missed: string[] } {
  const notes: string[] = ['## Targets', ''];
  const missed: string[] = [];
  const line = (ok: boolean, text: string) => {
    notes.push(`- ${ok ? 'met' : '**MISSED**'}: ${text}`);
    if (!ok) missed.push(text);
  };
  for (const c of results) {
    const signet = c.contenders.find((r) => r.kind === 'signet');
    if (!signet) continue;
    if (signet.vsBestPeer !== undefined) {
      line(signet.vsBestPeer >= 1, `${c.name}: signet ≥ fastest peer (${signet.vsBestPeer.toFixed(2)}×)`);
    }
    const fj = c.contenders.find((r) => r.name === 'fast-jwt');
    if (c.name.startsWith('HS256') && !c.name.includes('cache') && fj) {
      const r = signet.median / fj.median;
      line(r >= 1.3, `${c.name}: signet ≥ 1.3× fast-jwt (${r.toFixed(2)}×)`);
    }
    if (!c.name.startsWith('HS') && signet.vsPrimitive !== undefined) {
      const floor = c.contenders.find((r) => r.name.startsWith('floor'))?.vsPrimitive;
      const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
      const beside =
        floor === undefined
          ? ''
          : `; the floor: ${pct(floor)}, signet/floor ${(signet.vsPrimitive / floor).toFixed(2)}×`;
      line(
        signet.vsPrimitive >= 0.95,
        `${c.name}: signet ≥ 95 % of node:crypto (${pct(signet.vsPrimitive)}${beside})`,
      );
    }
  }
  notes.push('');
  for (const [peer, algs] of Object.entries(MISSING)) {
    notes.push(`Not measured: ${peer} has no ${algs.join(', ')} (the peer lacks the algorithm).`);
  }
  notes.push(
    'node:crypto = the raw primitive on the same token text: sign turns the signing input text into the signature segment, verify checks the signature segment over the signing input text (string↔bytes and base64url conversions included, no JSON, header or claims work). "node:crypto, bytes only" is the bare crypto call on pre-decoded bytes, shown for reference. "node:crypto, streaming" is createVerify().update(text).verify(): the same OpenSSL check through the streaming API, which Signet uses for RSA, RSA-PSS and ECDSA.',
    '"floor" = the least any JWT library must add to the primitive, with no strictness and no claim but exp: verify finds the segments, checks the signature, decodes and JSON.parses the payload; sign reads the clock, JSON.stringifies the claims and joins the base64url segments. It is a reference row, not a contender: how much of the primitive a JWT library can keep at all.',
    'jose is asynchronous (WebCrypto): measured as sequential awaited calls.',
  );
  return { notes, missed };
}

/** Entry point called by bench/run.ts. */
export async function run(_args: string[]): Promise<void> {
  const options = optionsFromEnv({ rounds: 15, sliceMs: 100, warmupMs: 100, log: (l) => console.log(l) });
  const nowS = Math.floor(Date.now() / 1000);
  const cases: BenchCase[] = [];
  const only = (process.env.BENCH_JOSE_ALGS ?? '').split(',').filter(Boolean);
  const algs = only.length === 0 ? BENCH_ALGS : BENCH_ALGS.filter((a) => only.includes(a));
  const fixtures = algs.map((alg) => fixture(alg, nowS));
  for (const f of fixtures) cases.push(...(await algCases(f)));
  for (const f of fixtures) if (f.alg === 'HS256' || f.alg === 'ES256') cases.push(cacheCase(f));
  const contenders = cases.reduce((n, c) => n + c.contenders.length, 0);
  const estimate = Math.round((contenders * (options.rounds * options.sliceMs + options.warmupMs)) / 1000);
  console.log(
    `${cases.length} cases, ${contenders} contenders, ${options.rounds} rounds × ${options.sliceMs} ms (≈${estimate} s)`,
  );
  const results = await runCases(cases, options);
  const { notes, missed } = targetNotes(results);
  writeReport({ name: 'jose', options, results, notes, extra: { missedTargets: missed } });
}
