import type { ResolvedFeedOptions } from './options.js';
import { parseEntry, RevocationSet } from './revocation-set.js';

/** A failed snapshot or stream (HTTP status, malformed data); the message is safe to log. */
export class FeedFailure extends Error {
  override readonly name = 'FeedFailure';
}

/**
 * `GET /revocations` within the timeout: the list, checked entry by entry (a malformed snapshot is
 * refused whole, never half-applied), and the sequence number it is complete up to.
 *
 * @example
 * const { seq, set } = await fetchSnapshot(options, signal);
 */
export async function fetchSnapshot(
  o: ResolvedFeedOptions,
  signal: AbortSignal,
): Promise<{ seq: number; set: RevocationSet }> {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(), o.timeout);
  let body: { seq?: unknown; entries?: unknown };
  try {
    const res = await o.fetch(o.snapshotUrl, {
      headers: { authorization: o.authorization, accept: 'application/json' },
      signal: ac.signal,
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new FeedFailure(`snapshot: HTTP ${res.status}`);
    }
    body = (await res.json()) as typeof body;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  if (typeof body.seq !== 'number' || !Number.isSafeInteger(body.seq) || !Array.isArray(body.entries)) {
    throw new FeedFailure('snapshot: malformed');
  }
  const set = new RevocationSet();
  for (const raw of body.entries) {
    const e = parseEntry(raw);
    if (e === undefined) throw new FeedFailure('snapshot: malformed entry');
    set.apply(e);
  }
  return { seq: body.seq, set };
}

/**
 * Opens `GET /revocations/stream` after `lastSeq` (`Last-Event-ID`). The timeout covers the response
 * head only (`abort` is called when it passes); the body then lives until `signal` aborts.
 *
 * @example
 * const body = await openStream(options, 4182, signal, () => controller.abort());
 */
export async function openStream(
  o: ResolvedFeedOptions,
  lastSeq: number,
  signal: AbortSignal,
  abort: () => void,
): Promise<ReadableStream<Uint8Array>> {
  const timer = setTimeout(abort, o.timeout);
  let res: Response;
  try {
    res = await o.fetch(o.streamUrl, {
      headers: {
        authorization: o.authorization,
        accept: 'text/event-stream',
        'last-event-id': String(lastSeq),
      },
      signal,
    });
  } finally {
    clearTimeout(timer);
  }
  if (res.status !== 200 || res.body === null) {
    await res.body?.cancel();
    throw new FeedFailure(`stream: HTTP ${res.status}`);
  }
  return res.body;
}

/** The `reason` of a `reset` event, for logs (bounded, never trusted further). */
export function resetReason(data: string): string {
  try {
    const r = (JSON.parse(data) as { reason?: unknown }).reason;
    return typeof r === 'string' ? r.slice(0, 64) : 'unknown';
  } catch {
    return 'unknown';
  }
}
