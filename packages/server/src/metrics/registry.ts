import { Counter, Gauge, Registry } from 'prom-client';
import { FastHistogram } from './histogram.js';

/** Most distinct `client_id` label values kept (bounded cardinality). */
const MAX_CLIENT_LABELS = 1000;

/** Outcome label of a token request (bounded set, no per-client or per-token labels). */
export type TokenResult =
  | 'issued'
  | 'invalid_client'
  | 'invalid_request'
  | 'rejected'
  | 'throttled'
  | 'error';

/**
 * The Prometheus metrics of one server (its own registry, so several servers in one process — tests —
 * don't collide). Labels are low-cardinality only (CONVENTIONS.md: no per-user labels).
 *
 * @example
 * const metrics = createMetrics();
 * metrics.tokenRequest('client_credentials', 'issued');
 */
export function createMetrics() {
  const registry = new Registry();
  // Hot-path counts are plain numbers, copied into the counter when Prometheus scrapes.
  const counts = new Map<string, { grantType: string; result: string; n: number }>();
  new Counter({
    name: 'signet_token_requests_total',
    help: 'Token endpoint requests by grant type and result',
    labelNames: ['grant_type', 'result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of counts.values()) this.inc({ grant_type: c.grantType, result: c.result }, c.n);
    },
  });
  // Per-client outcome counts: only authenticated clients (registered by an admin, so bounded),
  // capped at MAX_CLIENT_LABELS ids; beyond that they count as "other".
  const byClient = new Map<string, { clientId: string; result: string; n: number }>();
  const clientIds = new Set<string>();
  new Counter({
    name: 'signet_client_token_requests_total',
    help: 'Token requests of authenticated clients by client_id and result',
    labelNames: ['client_id', 'result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of byClient.values()) this.inc({ client_id: c.clientId, result: c.result }, c.n);
    },
  });
  const issueDuration = new FastHistogram(
    registry,
    'signet_token_issue_duration_seconds',
    'Time to handle a token request that issued a token',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  );
  const authFailures = new Counter({
    name: 'signet_client_auth_failures_total',
    help: 'Failed client authentications by method',
    labelNames: ['method'] as const,
    registers: [registry],
  });
  const signingKeys = new Gauge({
    name: 'signet_signing_keys',
    help: 'Signing keys by state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const auditPending = new Gauge({
    name: 'signet_audit_queue_events',
    help: 'Audit events waiting for the next group commit',
    registers: [registry],
  });
  const revocations = new Counter({
    name: 'signet_revocations_total',
    help: 'Revocations written, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });

  return {
    registry,
    issueDuration,
    authFailures,
    signingKeys,
    auditPending,
    revocations,
    /**
     * Counts one token request (`grantType` must be a registered grant or `unsupported`;
     * `clientId` only once the client is authenticated).
     */
    tokenRequest(grantType: string, result: TokenResult, clientId?: string): void {
      const key = `${grantType}\0${result}`;
      const c = counts.get(key);
      if (c) c.n++;
      else counts.set(key, { grantType, result, n: 1 });
      if (clientId === undefined) return;
      let id = clientId;
      if (!clientIds.has(id)) {
        if (clientIds.size >= MAX_CLIENT_LABELS) id = 'other';
        else clientIds.add(id);
      }
      const ckey = `${id}\0${result}`;
      const cc = byClient.get(ckey);
      if (cc) cc.n++;
      else byClient.set(ckey, { clientId: id, result, n: 1 });
    },
  };
}

/** The metrics object of a server. */
export type Metrics = ReturnType<typeof createMetrics>;
