import type { AuditQueue } from '../audit/queue.js';
import type { AuthenticatedClient } from '../clients/authenticate.js';
import type { Form } from '../http/form.js';
import type { AccessTokenIssuer } from './access-token.js';

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
}

/** What a grant handler receives. */
export interface GrantContext {
  client: AuthenticatedClient;
  form: Form;
  /** Seconds since the epoch (the injected clock). */
  now: number;
  tokens: AccessTokenIssuer;
  audit: AuditQueue;
}

/**
 * A grant type: its `grant_type` value, the parameters it accepts (beyond client authentication),
 * which of them may repeat, and its handler. Adding a grant is adding a module to `index.ts`.
 */
export interface Grant {
  readonly name: string;
  readonly params: readonly string[];
  readonly multi: ReadonlySet<string>;
  handle(ctx: GrantContext): TokenResponse | Promise<TokenResponse>;
}
