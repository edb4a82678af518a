import type { KeyState, SigningKeyRecord } from '../store/types.js';

/** The timing settings rotation needs (seconds). */
export interface RotationTiming {
  rotationPeriod: number;
  publishAhead: number;
  /** Longest token lifetime: a retired key stays published this long after its last signature. */
  maxTtl: number;
  clockSkew: number;
}

/** The times of a key about to be created. */
export interface NewKeyTimes {
  activatesAt: number;
  retiresAt: number;
  removesAt: number;
}

/** What one rotation tick must do. */
export interface RotationPlan {
  create: NewKeyTimes | undefined;
  update: { kid: string; patch: Partial<SigningKeyRecord> }[];
  remove: string[];
}

/**
 * The key that signs at `now`: among keys not revoked, the one activated last (`activatesAt ≤ now`).
 * Signing is decided by time, not by the stored `state`, so a late tick never delays a switch and
 * every replica switches at the same second.
 */
export function signerAt<K extends Pick<SigningKeyRecord, 'state' | 'activatesAt'>>(
  keys: readonly K[],
  now: number,
): K | undefined {
  let best: K | undefined;
  for (const k of keys) {
    if (k.state === 'revoked' || k.activatesAt > now) continue;
    if (!best || k.activatesAt > best.activatesAt) best = k;
  }
  return best;
}

/** The key waiting to take over from `signer` (published, not yet signing). */
export function successorOf<K extends Pick<SigningKeyRecord, 'state' | 'activatesAt'>>(
  keys: readonly K[],
  signer: K | undefined,
  now: number,
): K | undefined {
  let best: K | undefined;
  for (const k of keys) {
    if (k.state === 'revoked' || k.activatesAt <= now) continue;
    if (signer && k.activatesAt <= signer.activatesAt) continue;
    if (!best || k.activatesAt < best.activatesAt) best = k;
  }
  return best;
}

/**
 * Keys published in the JWKS at `now`: every key not revoked until its `removesAt`, and the signer
 * whatever its times say. A `next` key is published from the moment it exists, at least
 * `publishAhead` (≥ the JWKS cache lifetime) before it signs.
 */
export function publishedAt<K extends Pick<SigningKeyRecord, 'state' | 'activatesAt' | 'removesAt'>>(
  keys: readonly K[],
  now: number,
): K[] {
  const signer = signerAt(keys, now);
  return keys.filter((k) => k === signer || (k.state !== 'revoked' && k.removesAt > now));
}

/** The display state of a key at `now` (next → active → retired; `revoked` sticks). */
export function stateAt(
  key: Pick<SigningKeyRecord, 'state' | 'activatesAt'>,
  signer: unknown,
  now: number,
): KeyState {
  if (key.state === 'revoked') return 'revoked';
  if (key === signer) return 'active';
  return key.activatesAt > now ? 'next' : 'retired';
}

/** Times of a key that starts signing at `activatesAt`. */
export function timesFrom(activatesAt: number, t: RotationTiming): NewKeyTimes {
  const retiresAt = activatesAt + t.rotationPeriod;
  return { activatesAt, retiresAt, removesAt: retiresAt + t.maxTtl + t.clockSkew };
}

/**
 * Plans one rotation tick:
 * - no key at all (first start): create one that signs at once (nobody can have cached a JWKS yet);
 * - the signer's retirement is within `publishAhead` and it has no successor: create the successor,
 *   activating at `max(signer.retiresAt, now + publishAhead)` — so it is published at least
 *   `publishAhead` before it signs — and move the signer's retirement to that moment;
 * - a retired or revoked key past `removesAt` is removed;
 * - stored states follow the clock.
 *
 * @example
 * const plan = planRotation(await store.listKeys(), nowSeconds, timing);
 */
export function planRotation(
  keys: readonly SigningKeyRecord[],
  now: number,
  t: RotationTiming,
): RotationPlan {
  const plan: RotationPlan = { create: undefined, update: [], remove: [] };
  const signer = signerAt(keys, now);
  const successor = successorOf(keys, signer, now);
  const patches = new Map<string, Partial<SigningKeyRecord>>();
  const patch = (kid: string, p: Partial<SigningKeyRecord>) =>
    patches.set(kid, { ...patches.get(kid), ...p });

  if (!signer && !successor) {
    plan.create = timesFrom(now, t);
  } else if (signer && !successor && now >= signer.retiresAt - t.publishAhead) {
    const activatesAt = Math.max(signer.retiresAt, now + t.publishAhead);
    plan.create = timesFrom(activatesAt, t);
    patch(signer.kid, { retiresAt: activatesAt, removesAt: activatesAt + t.maxTtl + t.clockSkew });
  } else if (signer && successor && signer.retiresAt < successor.activatesAt) {
    // The signer keeps signing until its successor takes over: keep it published long enough.
    patch(signer.kid, {
      retiresAt: successor.activatesAt,
      removesAt: successor.activatesAt + t.maxTtl + t.clockSkew,
    });
  }

  if (signer && signer.removesAt < now + t.maxTtl + t.clockSkew && !patches.has(signer.kid)) {
    // The signer is past its planned retirement (ticks stopped for a while): keep it published for
    // the tokens it still signs, whatever removes expired keys (the store's purge).
    patch(signer.kid, { removesAt: now + t.maxTtl + t.clockSkew });
  }

  for (const k of keys) {
    if (k !== signer && k.removesAt <= now) {
      plan.remove.push(k.kid);
      continue;
    }
    const state = stateAt(k, signer, now);
    if (state !== k.state) patch(k.kid, { state });
  }
  for (const [kid, p] of patches) if (!plan.remove.includes(kid)) plan.update.push({ kid, patch: p });
  return plan;
}
