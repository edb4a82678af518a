import { Type } from '@sinclair/typebox';

const ScopeToken = Type.String({ pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$', maxLength: 128 });
const Audience = Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$' });
const Capability = Type.Union([Type.Literal('introspect'), Type.Literal('revocations')]);
const AuthMethod = Type.Union([
  Type.Literal('client_secret_basic'),
  Type.Literal('client_secret_post'),
  Type.Literal('private_key_jwt'),
]);
const JwksBody = Type.Object({
  keys: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 20 }),
});
const Url = Type.String({ pattern: '^https?://\\S+$', maxLength: 2048 });

/** `POST /admin/clients` body (strict: unknown fields are refused). */
export const CreateClientBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Optional(Type.Array(ScopeToken, { maxItems: 200, uniqueItems: true })),
    audiences: Type.Optional(Type.Array(Audience, { maxItems: 50, uniqueItems: true })),
    authMethod: Type.Optional(AuthMethod),
    jwks: Type.Optional(JwksBody),
    jwksUri: Type.Optional(Url),
    tokenTtl: Type.Optional(Type.Integer({ minimum: 1 })),
    capabilities: Type.Optional(Type.Array(Capability, { uniqueItems: true })),
  },
  { additionalProperties: false },
);

/** `PATCH /admin/clients/:id` body. `null` clears `tokenTtl`, `jwks` or `jwksUri`. */
export const PatchClientBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    scopes: Type.Optional(Type.Array(ScopeToken, { maxItems: 200, uniqueItems: true })),
    audiences: Type.Optional(Type.Array(Audience, { maxItems: 50, uniqueItems: true })),
    tokenTtl: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
    jwks: Type.Optional(Type.Union([JwksBody, Type.Null()])),
    jwksUri: Type.Optional(Type.Union([Url, Type.Null()])),
    capabilities: Type.Optional(Type.Array(Capability, { uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const RotateSecretBody = Type.Union([
  Type.Object(
    { graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86400 })) },
    {
      additionalProperties: false,
    },
  ),
  Type.Null(),
]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }) });
