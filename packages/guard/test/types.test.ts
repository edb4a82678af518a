/** Type tests: misuse of the public API does not compile (checked by `tsc -p test-tsconfig.json`). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Auth, createGuard, type GuardOptions, requiredScopes } from '../src/index.js';

it('public types reject misuse', () => {
  // @ts-expect-error audience is required
  const noAudience: GuardOptions = { issuer: 'https://auth.example' };
  // @ts-expect-error "none" is not an algorithm
  const none: GuardOptions = { issuer: 'https://auth.example', audience: 'a', algorithms: ['none'] };
  const wrongArgument = () =>
    // @ts-expect-error a check takes an Auth, not a string
    requiredScopes('a')('token');
  const readOnly = (auth: Auth) => {
    // @ts-expect-error the result is read-only
    auth.subject = 'other';
  };
  assert.equal(typeof readOnly, typeof wrongArgument);
  assert.ok(noAudience && none);
  assert.throws(() => createGuard(noAudience), TypeError);
});
