import type { AuditEvent, Store } from '../store/types.js';

/** Where the audit queue writes a batch (one transaction). */
export interface AuditSink {
  append(events: AuditEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An {@link AuditSink} writing through a store. `own` stores (a dedicated connection) are closed
 * with the sink.
 *
 * @example
 * const sink = storeSink(await createStore(url, { sqliteSynchronous: 'NORMAL' }), true);
 */
export function storeSink(store: Store, own = false): AuditSink {
  return {
    append: (events) => store.appendAudit(events),
    close: async () => {
      if (own) await store.close();
    },
  };
}
