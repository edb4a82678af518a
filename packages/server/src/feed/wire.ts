import type { RevocationRecord } from '../store/types.js';

/** One entry as the feed puts it on the wire (docs/revocation-feed.md): snake_case, Unix seconds. */
export interface WireRevocation {
  seq: number;
  kind: RevocationRecord['kind'];
  value: string;
  not_before: number | null;
  expires_at: number;
  reason: string | null;
}

/**
 * The wire form of a stored revocation.
 *
 * @example
 * toWire(record); // { seq: 7, kind: 'jti', value: '…', not_before: null, expires_at: 1764370123, reason: null }
 */
export function toWire(r: RevocationRecord): WireRevocation {
  return {
    seq: r.seq,
    kind: r.kind,
    value: r.value,
    not_before: r.notBefore,
    expires_at: r.expiresAt,
    reason: r.reason,
  };
}

/** An entry with its Server-Sent Events frame, serialised once and written to every stream. */
export interface Frame {
  seq: number;
  expiresAt: number;
  text: string;
}

/**
 * The `revocation` event of one entry. JSON never contains a raw line break (they are escaped), so
 * the whole object fits one `data:` line (WHATWG HTML §9.2.6).
 *
 * @example
 * toFrame(record).text; // 'event: revocation\nid: 7\ndata: {"seq":7,…}\n\n'
 */
export function toFrame(r: RevocationRecord): Frame {
  return {
    seq: r.seq,
    expiresAt: r.expiresAt,
    text: `event: revocation\nid: ${r.seq}\ndata: ${JSON.stringify(toWire(r))}\n\n`,
  };
}

/** Why a stream is told to start over from a snapshot. */
export type ResetReason = 'behind' | 'unknown_position';

/** The `reset` event: the subscriber discards its state and takes a snapshot. */
export function resetFrame(reason: ResetReason): string {
  return `event: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
}

/** The keep-alive comment (a line starting with `:` is ignored by SSE parsers). */
export const KEEP_ALIVE = ': keep-alive\n\n';
