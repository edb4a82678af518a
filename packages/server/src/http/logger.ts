import { pino, type Logger } from 'pino';

/**
 * Paths pino redacts in every log line: credentials and tokens never reach a log, even if a
 * request, a header set or a body is logged by mistake.
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'client_secret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'assertion',
  'client_assertion',
  'admin_token',
  '*.authorization',
  '*.cookie',
  '*.client_secret',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.assertion',
  '*.client_assertion',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'request.body',
];

/**
 * The server's pino logger (JSON lines) with redaction. `destination` is for tests that capture
 * the output.
 *
 * @example
 * const logger = createLogger('info');
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'signet' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
