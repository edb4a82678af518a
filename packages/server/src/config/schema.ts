import { type Static, Type } from '@sinclair/typebox';

const Seconds = (min = 1) => Type.Integer({ minimum: min });
const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** Signing algorithms a Signet key can use. */
export const SIGNING_ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The one strict schema of the configuration (YAML file, environment and flags all pass through it;
 * unknown keys are rejected).
 */
export const ConfigSchema = Type.Object(
  {
    issuer: Type.String({ pattern: '^https?://[^\\s?#]+$' }),
    port: Port,
    host: Type.String({ minLength: 1 }),
    adminPort: Port,
    adminHost: Type.String({ minLength: 1 }),
    dataDir: Type.String({ minLength: 1 }),
    database: Type.Optional(Type.String({ minLength: 1 })),
    kek: Type.Optional(Type.String({ minLength: 1 })),
    kekFile: Type.Optional(Type.String({ minLength: 1 })),
    dev: Type.Boolean(),
    adminToken: Type.Optional(Type.String({ minLength: 16 })),
    adminTokenFile: Type.Optional(Type.String({ minLength: 1 })),
    trustProxy: Type.Boolean(),
    logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l))),
    signing: Type.Object(
      {
        alg: Type.Union(SIGNING_ALGS.map((a) => Type.Literal(a))),
        rotationPeriod: Seconds(60),
        publishAhead: Seconds(),
        jwksMaxAge: Seconds(0),
        keyReloadInterval: Seconds(),
        rotationCheckInterval: Seconds(),
        clockSkew: Seconds(0),
      },
      { additionalProperties: false },
    ),
    tokens: Type.Object({ defaultTtl: Seconds(), maxTtl: Seconds() }, { additionalProperties: false }),
    clientAuth: Type.Object(
      { maxFailures: Seconds(), window: Seconds(), cacheTtl: Seconds(0), assertionMaxAge: Seconds() },
      { additionalProperties: false },
    ),
    audit: Type.Object({ flushIntervalMs: Seconds(), batchSize: Seconds() }, { additionalProperties: false }),
    http: Type.Object(
      { bodyLimit: Seconds(256), shutdownGraceMs: Seconds(0) },
      { additionalProperties: false },
    ),
    feed: Type.Object(
      { keepAliveMs: Seconds(10), pollIntervalMs: Seconds(10), maxLag: Seconds(1) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The effective configuration of the Auth service (see `defaults.ts` for every default). */
export type Config = Static<typeof ConfigSchema>;

/** A partial configuration, as given by flags, environment or a YAML file. */
export type ConfigInput = {
  [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K];
};
