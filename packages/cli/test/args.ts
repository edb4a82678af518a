/** The audience every test client is allowed. */
export const AUDIENCE = 'https://s2.example';

/**
 * The argv of `signet clients create` for the standard test client (s1, orders:read orders:write, AUDIENCE).
 *
 * @example
 * await cli(clientCreateArgs(['--admin-url', url, '--data', dir], ['--format', 'json']));
 */
export function clientCreateArgs(admin: readonly string[], extra: readonly string[] = []): string[] {
  return [
    'clients',
    'create',
    '--name',
    's1',
    '--scope',
    'orders:read orders:write',
    '--audience',
    AUDIENCE,
    ...admin,
    ...extra,
  ];
}
