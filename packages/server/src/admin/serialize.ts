import type { ClientRecord } from '../store/types.js';

/**
 * The admin API's JSON shape of a client. Never a secret or a secret hash.
 *
 * @example
 * reply.send({ client: clientJson(record) });
 */
export function clientJson(r: ClientRecord) {
  return {
    client_id: r.id,
    name: r.name,
    token_endpoint_auth_method: r.authMethod,
    scopes: r.scopes,
    audiences: r.audiences,
    token_ttl: r.tokenTtl,
    capabilities: r.capabilities,
    disabled: r.disabled,
    jwks_uri: r.jwksUri,
    jwks: r.jwks === null ? null : (JSON.parse(r.jwks) as unknown),
    previous_secret_expires_at: r.previousSecretExpiresAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
