import { clientCredentials } from './client-credentials.js';
import type { Grant } from './types.js';

/** Every grant the token endpoint serves, by `grant_type`. Adding a grant is adding a module here. */
export const GRANTS: ReadonlyMap<string, Grant> = new Map([clientCredentials].map((g) => [g.name, g]));

export type { Grant, GrantContext, TokenResponse } from './types.js';
