import type { AdminClient } from './admin-client.js';

/** One audit event as the admin API returns it. */
export interface AuditEvent {
  id?: number;
  at?: number;
  type?: string;
  clientId?: string | null;
  data?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A page of `GET /admin/audit?after=N&limit=M`: events with id > N, oldest first; `last` is the next cursor. */
export interface AuditPage {
  events: AuditEvent[];
  last: number;
}

/** Largest page the admin API returns. */
export const AUDIT_PAGE = 1000;

/**
 * Reads one page of the audit log.
 *
 * @example
 * const { events, last } = await auditPage(admin, 0, 100);
 */
export function auditPage(admin: AdminClient, after: number, limit: number): Promise<AuditPage> {
  return admin.request<AuditPage>('GET', `/admin/audit?after=${after}&limit=${limit}`);
}

/**
 * The newest event id, or 0 for an empty log. The API only pages forward, and every issuance is audited, so
 * reading from the start would cost the whole log: instead an exponential then a binary search over the
 * `after` cursor finds it in O(log n) single-event requests.
 */
async function newestId(admin: AdminClient): Promise<number> {
  const firstAfter = async (after: number) => (await auditPage(admin, after, 1)).events[0]?.id;
  if ((await firstAfter(0)) === undefined) return 0;
  let low = 0; // an `after` with events beyond it
  let high = 1; // an `after` with none (found below)
  while ((await firstAfter(high)) !== undefined) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if ((await firstAfter(mid)) === undefined) high = mid;
    else low = mid;
  }
  return (await firstAfter(low)) ?? low;
}

/**
 * The `wanted` newest events, oldest first, and the cursor to follow from.
 *
 * @example
 * const { events, cursor } = await latestEvents(admin, 20);
 */
export async function latestEvents(
  admin: AdminClient,
  wanted: number,
): Promise<{ events: AuditEvent[]; cursor: number }> {
  const newest = await newestId(admin);
  if (wanted === 0 || newest === 0) return { events: [], cursor: newest };
  // Ids are dense unless a write was rolled back: widen the window until it holds `wanted` events.
  for (let window = wanted; ; window *= 2) {
    const start = Math.max(0, newest - window);
    const events: AuditEvent[] = [];
    let after = start;
    for (;;) {
      const res = await auditPage(admin, after, AUDIT_PAGE);
      events.push(...res.events.filter((e) => (e.id ?? 0) <= newest));
      if (res.events.length < AUDIT_PAGE || res.last >= newest || res.last <= after) break;
      after = res.last;
    }
    if (events.length >= wanted || start === 0) return { events: events.slice(-wanted), cursor: newest };
  }
}
