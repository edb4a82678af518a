/**
 * Table shapes as Kysely sees them. Column names are snake_case; records in `types.ts` are camelCase
 * and `rows.ts` converts. Arrays and JSON are stored as JSON text, booleans as 0/1 integers and
 * times as integer seconds, so the same rows mean the same thing on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface ClientsTable {
  id: string;
  name: string;
  auth_method: string;
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  jwks: string | null;
  jwks_uri: string | null;
  /** JSON array text. */
  scopes: string;
  /** JSON array text. */
  audiences: string;
  token_ttl: number | null;
  /** JSON array text. */
  capabilities: string;
  /** 0 or 1. */
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: string;
  public_jwk: string;
  private_key_enc: string;
  created_at: number;
  activates_at: number;
  retires_at: number;
  removes_at: number;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  client_id: string | null;
  /** JSON object text. */
  data: string;
}

export interface AssertionJtisTable {
  client_id: string;
  jti: string;
  expires_at: number;
}

export interface RevocationsTable {
  seq: Generated<number>;
  kind: string;
  value: string;
  not_before: number | null;
  expires_at: number;
  reason: string | null;
  created_at: number;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface AdminCredentialsTable {
  id: string;
  hash: string;
  created_at: number;
}

/** The whole database. */
export interface Database {
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  assertion_jtis: AssertionJtisTable;
  revocations: RevocationsTable;
  leases: LeasesTable;
  admin_credentials: AdminCredentialsTable;
}
