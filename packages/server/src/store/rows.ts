/**
 * Conversions between the camelCase records of `types.ts` and the snake_case rows of `schema.ts`.
 * JSON columns are parsed here, once, so a corrupt row fails loudly at the boundary.
 */
import type { Selectable, Updateable } from 'kysely';
import type { AuditEventsTable, ClientsTable, RevocationsTable, SigningKeysTable } from './schema.js';
import type {
  AuditEvent,
  ClientAuthMethod,
  ClientRecord,
  KeyState,
  RevocationKind,
  RevocationRecord,
  SigningKeyRecord,
} from './types.js';

/** A JSON array of strings, stored as text. */
function parseStrings(text: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TypeError('stored value is not a JSON array of strings');
  }
  return value;
}

export function clientToRow(c: ClientRecord): ClientsTable {
  return {
    id: c.id,
    name: c.name,
    auth_method: c.authMethod,
    secret_hash: c.secretHash,
    previous_secret_hash: c.previousSecretHash,
    previous_secret_expires_at: c.previousSecretExpiresAt,
    jwks: c.jwks,
    jwks_uri: c.jwksUri,
    scopes: JSON.stringify(c.scopes),
    audiences: JSON.stringify(c.audiences),
    token_ttl: c.tokenTtl,
    capabilities: JSON.stringify(c.capabilities),
    disabled: c.disabled ? 1 : 0,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export function rowToClient(r: Selectable<ClientsTable>): ClientRecord {
  return {
    id: r.id,
    name: r.name,
    authMethod: r.auth_method as ClientAuthMethod,
    secretHash: r.secret_hash,
    previousSecretHash: r.previous_secret_hash,
    previousSecretExpiresAt: r.previous_secret_expires_at,
    jwks: r.jwks,
    jwksUri: r.jwks_uri,
    scopes: parseStrings(r.scopes),
    audiences: parseStrings(r.audiences),
    tokenTtl: r.token_ttl,
    capabilities: parseStrings(r.capabilities),
    disabled: Number(r.disabled) !== 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Only the fields present in `patch` (an absent field is left alone; `null` clears it). */
export function clientPatchToRow(
  patch: Partial<Omit<ClientRecord, 'id' | 'createdAt'>>,
): Updateable<ClientsTable> {
  const row: Updateable<ClientsTable> = {};
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.authMethod !== undefined) row.auth_method = patch.authMethod;
  if (patch.secretHash !== undefined) row.secret_hash = patch.secretHash;
  if (patch.previousSecretHash !== undefined) row.previous_secret_hash = patch.previousSecretHash;
  if (patch.previousSecretExpiresAt !== undefined) {
    row.previous_secret_expires_at = patch.previousSecretExpiresAt;
  }
  if (patch.jwks !== undefined) row.jwks = patch.jwks;
  if (patch.jwksUri !== undefined) row.jwks_uri = patch.jwksUri;
  if (patch.scopes !== undefined) row.scopes = JSON.stringify(patch.scopes);
  if (patch.audiences !== undefined) row.audiences = JSON.stringify(patch.audiences);
  if (patch.tokenTtl !== undefined) row.token_ttl = patch.tokenTtl;
  if (patch.capabilities !== undefined) row.capabilities = JSON.stringify(patch.capabilities);
  if (patch.disabled !== undefined) row.disabled = patch.disabled ? 1 : 0;
  if (patch.updatedAt !== undefined) row.updated_at = patch.updatedAt;
  return row;
}

export function keyToRow(k: SigningKeyRecord): SigningKeysTable {
  return {
    kid: k.kid,
    alg: k.alg,
    state: k.state,
    public_jwk: k.publicJwk,
    private_key_enc: k.privateKeyEnc,
    created_at: k.createdAt,
    activates_at: k.activatesAt,
    retires_at: k.retiresAt,
    removes_at: k.removesAt,
    revoked_at: k.revokedAt,
  };
}

export function rowToKey(r: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: r.kid,
    alg: r.alg,
    state: r.state as KeyState,
    publicJwk: r.public_jwk,
    privateKeyEnc: r.private_key_enc,
    createdAt: r.created_at,
    activatesAt: r.activates_at,
    retiresAt: r.retires_at,
    removesAt: r.removes_at,
    revokedAt: r.revoked_at,
  };
}

export function keyPatchToRow(patch: Partial<Omit<SigningKeyRecord, 'kid'>>): Updateable<SigningKeysTable> {
  const row: Updateable<SigningKeysTable> = {};
  if (patch.alg !== undefined) row.alg = patch.alg;
  if (patch.state !== undefined) row.state = patch.state;
  if (patch.publicJwk !== undefined) row.public_jwk = patch.publicJwk;
  if (patch.privateKeyEnc !== undefined) row.private_key_enc = patch.privateKeyEnc;
  if (patch.createdAt !== undefined) row.created_at = patch.createdAt;
  if (patch.activatesAt !== undefined) row.activates_at = patch.activatesAt;
  if (patch.retiresAt !== undefined) row.retires_at = patch.retiresAt;
  if (patch.removesAt !== undefined) row.removes_at = patch.removesAt;
  if (patch.revokedAt !== undefined) row.revoked_at = patch.revokedAt;
  return row;
}

export function rowToAudit(r: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: r.id,
    at: r.at,
    type: r.type,
    clientId: r.client_id,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

export function rowToRevocation(r: Selectable<RevocationsTable>): RevocationRecord {
  return {
    seq: r.seq,
    kind: r.kind as RevocationKind,
    value: r.value,
    notBefore: r.not_before,
    expiresAt: r.expires_at,
    reason: r.reason,
    createdAt: r.created_at,
  };
}
