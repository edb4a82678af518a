/**
 * `@signet/guard`: verify RFC 9068 access tokens from one issuer in a resource service or at the edge.
 * The main entry imports no framework: adapters take Express, Fastify and Hono objects structurally.
 */
export type { AdapterOptions } from './adapters/common.js';
export { type ExpressAuthOptions, expressAuth } from './adapters/express.js';
export { type FastifyRouteAuth, fastifyGuard } from './adapters/fastify.js';
export { authenticateRequest, guardErrorResponse } from './adapters/fetch.js';
export { type GuardVariables, honoAuth } from './adapters/hono.js';
export { type AuthedNodeHandler, authenticateNode, nodeHandler, sendGuardError } from './adapters/node.js';
export { GUARD_DEFAULTS } from './defaults.js';
export { DiscoveryError, metadataUrls } from './discovery.js';
export {
  type BearerErrorCode,
  bearerChallenge,
  GuardError,
  type GuardErrorBody,
  type GuardErrorCode,
  quoteHeaderValue,
} from './errors.js';
export { extractToken } from './extract.js';
export * from './feed/index.js';
export {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type GatewayRoute,
  parseRoute,
} from './gateway/index.js';
export { createGuard, type Guard, type GuardHealth } from './guard.js';
export type { GuardCounters, MetricsRegistry } from './metrics.js';
export type { FeedStatus, GuardFeed, GuardOptions, ResolvedOptions } from './options.js';
export { claimCheck, claimEquals, claimIncludes, requiredScopes, scopeIncludesAny } from './requirements.js';
export type {
  Auth,
  AuthCheck,
  AuthenticateOptions,
  GuardEvent,
  HeaderBag,
  RequestLike,
  TokenHeader,
} from './types.js';
