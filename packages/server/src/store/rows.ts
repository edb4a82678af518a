/**
 * Conversions between the camelCase records of `types.ts` and the snake_case rows of `schema.ts`,
 * from one column table per entity that serves both directions (and partial updates). JSON columns
 * are parsed here, once, so a corrupt row fails loudly at the boundary.
 */
import type { Selectable, Updateable } from 'kysely';
import type { AuditEventsTable, ClientsTable, RevocationsTable, SigningKeysTable } from './schema.js';
import type { AuditEvent, ClientRecord, RevocationRecord, SigningKeyRecord } from './types.js';

/** How one record field is stored: its column, and conversions when it is not stored as is. */
interface Column<V> {
  column: string;
  write?: (value: V) => unknown;
  read?: (stored: never) => V;
}
type Columns<R> = { [K in keyof R]-?: Column<R[K]> };

/** A JSON array of strings, stored as text. */
const strings: Pick<Column<string[]>, 'write' | 'read'> = {
  write: (value) => JSON.stringify(value),
  read: (text: string) => {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new TypeError('stored value is not a JSON array of strings');
    }
    return value;
  },
};

/** A boolean, stored as 0/1 (SQLite has no boolean type). */
const flag: Pick<Column<boolean>, 'write' | 'read'> = {
  write: (value) => (value ? 1 : 0),
  read: (stored: number) => Number(stored) !== 0,
};

/** The fields of `record` that are present (`undefined` = absent; `null` is a value), as columns. */
function toRow<R>(columns: Columns<R>, record: Partial<R>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(record) as (keyof R)[]) {
    const value = record[key];
    const column = columns[key] as Column<unknown> | undefined;
    if (value === undefined || column === undefined) continue;
    row[column.column] = column.write === undefined ? value : column.write(value);
  }
  return row;
}

function fromRow<R>(columns: Columns<R>, row: object): R {
  const record: Record<string, unknown> = {};
  const stored = row as Record<string, unknown>;
  for (const key of Object.keys(columns)) {
    const column = columns[key as keyof R] as Column<unknown>;
    const value = stored[column.column];
    record[key] = column.read === undefined || value === null ? value : column.read(value as never);
  }
  return record as R;
}

const clientColumns: Columns<ClientRecord> = {
  id: { column: 'id' },
  name: { column: 'name' },
  authMethod: { column: 'auth_method' },
  secretHash: { column: 'secret_hash' },
  previousSecretHash: { column: 'previous_secret_hash' },
  previousSecretExpiresAt: { column: 'previous_secret_expires_at' },
  jwks: { column: 'jwks' },
  jwksUri: { column: 'jwks_uri' },
  scopes: { column: 'scopes', ...strings },
  audiences: { column: 'audiences', ...strings },
  tokenTtl: { column: 'token_ttl' },
  capabilities: { column: 'capabilities', ...strings },
  disabled: { column: 'disabled', ...flag },
  createdAt: { column: 'created_at' },
  updatedAt: { column: 'updated_at' },
};

const keyColumns: Columns<SigningKeyRecord> = {
  kid: { column: 'kid' },
  alg: { column: 'alg' },
  state: { column: 'state' },
  publicJwk: { column: 'public_jwk' },
  privateKeyEnc: { column: 'private_key_enc' },
  createdAt: { column: 'created_at' },
  activatesAt: { column: 'activates_at' },
  retiresAt: { column: 'retires_at' },
  removesAt: { column: 'removes_at' },
  revokedAt: { column: 'revoked_at' },
};

const auditColumns: Columns<AuditEvent> = {
  id: { column: 'id' },
  at: { column: 'at' },
  type: { column: 'type' },
  clientId: { column: 'client_id' },
  data: {
    column: 'data',
    write: (value) => JSON.stringify(value ?? {}),
    read: (text: string) => JSON.parse(text) as Record<string, unknown>,
  },
};

const revocationColumns: Columns<RevocationRecord> = {
  seq: { column: 'seq' },
  kind: { column: 'kind' },
  value: { column: 'value' },
  notBefore: { column: 'not_before' },
  expiresAt: { column: 'expires_at' },
  reason: { column: 'reason' },
  createdAt: { column: 'created_at' },
};

export const clientToRow = (c: ClientRecord) => toRow(clientColumns, c) as unknown as ClientsTable;
export const rowToClient = (r: Selectable<ClientsTable>) => fromRow(clientColumns, r);
/** Only the fields present in `patch` (an absent field is left alone; `null` clears it). */
export const clientPatchToRow = (patch: Partial<Omit<ClientRecord, 'id' | 'createdAt'>>) =>
  toRow(clientColumns, patch) as Updateable<ClientsTable>;

export const keyToRow = (k: SigningKeyRecord) => toRow(keyColumns, k) as unknown as SigningKeysTable;
export const rowToKey = (r: Selectable<SigningKeysTable>) => fromRow(keyColumns, r);
export const keyPatchToRow = (patch: Partial<Omit<SigningKeyRecord, 'kid'>>) =>
  toRow(keyColumns, patch) as Updateable<SigningKeysTable>;

/** A new audit row (the id is assigned by the database). */
export const auditToRow = (e: AuditEvent) => {
  const { id: _, ...row } = toRow(auditColumns, { ...e, data: e.data ?? {} });
  return row as unknown as Omit<AuditEventsTable, 'id'>;
};
export const rowToAudit = (r: Selectable<AuditEventsTable>) => fromRow(auditColumns, r);

/** A new revocation row (the seq is assigned by the database). */
export const revocationToRow = (entry: Omit<RevocationRecord, 'seq'>) =>
  toRow(revocationColumns, entry) as unknown as Omit<RevocationsTable, 'seq'>;
export const rowToRevocation = (r: Selectable<RevocationsTable>) => fromRow(revocationColumns, r);
