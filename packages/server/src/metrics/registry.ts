import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  const tokenRequests = new Counter({
    name: 'signet_token_requests_total',
    help: 'Token endpoint requests by grant type and result',
    labelNames: ['grant_type', 'result'] as const,
    registers: [registry],
  });
  const issueDuration = new Histogram({
    name: 'signet_token_issue_duration_seconds',
    help: 'Time to handle a token request that issued a token',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
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

  // Children are bound once per label set: `labels()` hashes its arguments on every call.
  const children = new Map<string, { inc(): void }>();
  return {
    registry,
    issueDuration,
    authFailures,
    signingKeys,
    auditPending,
    revocations,
    tokenRequest(grantType: string, result: TokenResult): void {
      const key = `${grantType}\0${result}`;
      let child = children.get(key);
      if (!child) {
        child = tokenRequests.labels(grantType, result);
        children.set(key, child);
      }
      child.inc();
    },
  };
}

/** The metrics object of a server. */
export type Metrics = ReturnType<typeof createMetrics>;
