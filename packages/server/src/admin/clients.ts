import { createLocalKeySet, type Jwks } from '@signet/jose';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { generateClientId, generateClientSecret, hashSecret } from '../clients/secret.js';
import type { ServerContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { ClientRecord } from '../store/types.js';
import { requireAdmin } from './auth.js';
import { CreateClientBody, IdParams, PatchClientBody, RotateSecretBody } from './client-schemas.js';
import { clientJson } from './serialize.js';

const bad = (description: string) => new OAuthError(400, 'invalid_request', description);
const notFound = () => new OAuthError(404, 'not_found', 'no such client');

/** A registered JWKS must be public keys that import (never a private or secret key). */
function checkJwks(jwks: Jwks): string {
  for (const k of jwks.keys) {
    if ('d' in k || 'k' in k || 'p' in k) throw bad('jwks must contain public keys only');
  }
  try {
    createLocalKeySet(jwks);
  } catch (err) {
    throw bad(`jwks is not usable: ${(err as { code?: string }).code ?? 'invalid'}`);
  }
  return JSON.stringify(jwks);
}

/**
 * Client CRUD of the admin API. Every change is audited and drops the client from the cache;
 * disabling, deleting or narrowing scopes/audiences also commits a client "not before" revocation,
 * so tokens issued before the change die everywhere.
 *
 * @example
 * registerClientRoutes(app, ctx);
 */
export function registerClientRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const maxTtl = ctx.config.tokens.maxTtl;
  const changed = (id: string, type: string, actor: string, data: Record<string, unknown> = {}) => {
    ctx.clients.invalidate(id);
    ctx.assertions.invalidate(id);
    ctx.audit.record({ at: ctx.nowSec(), type, clientId: id, data: { actor, ...data } });
  };
  const revokeClientTokens = async (id: string, reason: string) => {
    const now = ctx.nowSec();
    // Other replicas may serve the old record from their cache for cacheTtl seconds: the not-before
    // covers what they issue meanwhile.
    const notBefore = now + ctx.config.clientAuth.cacheTtl + 1;
    const record = await ctx.store.addRevocation({
      kind: 'client',
      value: id,
      notBefore,
      expiresAt: notBefore + maxTtl + ctx.config.signing.clockSkew,
      reason,
      createdAt: now,
    });
    ctx.revocations.apply(record);
    ctx.metrics.revocations.labels('client').inc();
  };

  app.post<{ Body: Static<typeof CreateClientBody> }>(
    '/admin/clients',
    { schema: { body: CreateClientBody } },
    async (request, reply) => {
      const actor = await requireAdmin(ctx, request);
      const b = request.body;
      const authMethod = b.authMethod ?? (b.jwks || b.jwksUri ? 'private_key_jwt' : 'client_secret_basic');
      if (b.tokenTtl !== undefined && b.tokenTtl > maxTtl) throw bad(`tokenTtl must be ≤ ${maxTtl}`);
      let jwks: string | null = null;
      if (authMethod === 'private_key_jwt') {
        if ((b.jwks === undefined) === (b.jwksUri === undefined)) {
          throw bad('private_key_jwt needs exactly one of jwks and jwksUri');
        }
        if (b.jwks) jwks = checkJwks(b.jwks as Jwks);
      } else if (b.jwks || b.jwksUri) throw bad('jwks and jwksUri are for private_key_jwt clients');
      const secret = authMethod === 'private_key_jwt' ? undefined : generateClientSecret();
      const now = ctx.nowSec();
      const record: ClientRecord = {
        id: generateClientId(),
        name: b.name,
        authMethod,
        secretHash: secret === undefined ? null : hashSecret(secret),
        previousSecretHash: null,
        previousSecretExpiresAt: null,
        jwks,
        jwksUri: b.jwksUri ?? null,
        scopes: b.scopes ?? [],
        audiences: b.audiences ?? [],
        tokenTtl: b.tokenTtl ?? null,
        capabilities: b.capabilities ?? [],
        disabled: false,
        createdAt: now,
        updatedAt: now,
      };
      await ctx.store.createClient(record);
      changed(record.id, 'client.created', actor, { name: record.name, authMethod });
      reply.code(201).header('cache-control', 'no-store');
      return secret === undefined
        ? { client: clientJson(record) }
        : { client: clientJson(record), client_secret: secret };
    },
  );

  app.get('/admin/clients', async (request) => {
    await requireAdmin(ctx, request);
    return { clients: (await ctx.store.listClients()).map(clientJson) };
  });

  app.get<{ Params: Static<typeof IdParams> }>(
    '/admin/clients/:id',
    { schema: { params: IdParams } },
    async (request) => {
      await requireAdmin(ctx, request);
      const r = await ctx.store.getClient(request.params.id);
      if (!r) throw notFound();
      return { client: clientJson(r) };
    },
  );

  const patchClient = async (id: string, b: Static<typeof PatchClientBody>, actor: string) => {
    const current = await ctx.store.getClient(id);
    if (!current) throw notFound();
    const patch: Partial<ClientRecord> = { updatedAt: ctx.nowSec() };
    if (b.name !== undefined) patch.name = b.name;
    if (b.scopes !== undefined) patch.scopes = b.scopes;
    if (b.audiences !== undefined) patch.audiences = b.audiences;
    if (b.capabilities !== undefined) patch.capabilities = b.capabilities;
    if (b.disabled !== undefined) patch.disabled = b.disabled;
    if (b.tokenTtl !== undefined) {
      if (b.tokenTtl !== null && b.tokenTtl > maxTtl) throw bad(`tokenTtl must be ≤ ${maxTtl}`);
      patch.tokenTtl = b.tokenTtl;
    }
    if (b.jwks !== undefined || b.jwksUri !== undefined) {
      if (current.authMethod !== 'private_key_jwt')
        throw bad('jwks and jwksUri are for private_key_jwt clients');
      const jwks = b.jwks === undefined ? current.jwks : b.jwks === null ? null : checkJwks(b.jwks as Jwks);
      const jwksUri = b.jwksUri === undefined ? current.jwksUri : b.jwksUri;
      if ((jwks === null) === (jwksUri === null))
        throw bad('private_key_jwt needs exactly one of jwks and jwksUri');
      patch.jwks = jwks;
      patch.jwksUri = jwksUri;
    }
    const narrowed =
      (b.scopes !== undefined && current.scopes.some((s) => !b.scopes!.includes(s))) ||
      (b.audiences !== undefined && current.audiences.some((a) => !b.audiences!.includes(a)));
    const disabling = b.disabled === true && !current.disabled;
    const updated = await ctx.store.updateClient(id, patch);
    if (!updated) throw notFound();
    if (narrowed || disabling)
      await revokeClientTokens(id, disabling ? 'client disabled' : 'client narrowed');
    changed(id, disabling ? 'client.disabled' : 'client.updated', actor, {
      fields: Object.keys(b),
      ...(narrowed ? { narrowed: true } : {}),
    });
    return { client: clientJson(updated) };
  };

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchClientBody> }>(
    '/admin/clients/:id',
    { schema: { params: IdParams, body: PatchClientBody } },
    async (request) => patchClient(request.params.id, request.body, await requireAdmin(ctx, request)),
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/admin/clients/:id/disable',
    { schema: { params: IdParams } },
    async (request) => patchClient(request.params.id, { disabled: true }, await requireAdmin(ctx, request)),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RotateSecretBody> }>(
    '/admin/clients/:id/rotate-secret',
    { schema: { params: IdParams, body: RotateSecretBody } },
    async (request, reply) => {
      const actor = await requireAdmin(ctx, request);
      const id = request.params.id;
      const current = await ctx.store.getClient(id);
      if (!current) throw notFound();
      if (current.authMethod === 'private_key_jwt') throw bad('a private_key_jwt client has no secret');
      const grace = request.body?.graceSeconds ?? 3600;
      const now = ctx.nowSec();
      const secret = generateClientSecret();
      const expiresAt = grace > 0 ? now + grace : null;
      await ctx.store.updateClient(id, {
        secretHash: hashSecret(secret),
        previousSecretHash: grace > 0 ? current.secretHash : null,
        previousSecretExpiresAt: expiresAt,
        updatedAt: now,
      });
      changed(id, 'client.secret_rotated', actor, { graceSeconds: grace });
      reply.header('cache-control', 'no-store');
      return { client_secret: secret, previous_secret_expires_at: expiresAt };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/admin/clients/:id',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const actor = await requireAdmin(ctx, request);
      const id = request.params.id;
      if (!(await ctx.store.deleteClient(id))) throw notFound();
      await revokeClientTokens(id, 'client deleted');
      changed(id, 'client.deleted', actor);
      return reply.code(204).send();
    },
  );
}
