import { UsageError } from './errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a duration in seconds: `300`, `30s`, `5m`, `2h`, `7d`.
 *
 * @example
 * parseDuration('5m', '--exp'); // 300
 */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (match === null) throw new UsageError(`${flag} must be a duration such as 300, 30s, 5m, 2h or 7d`);
  const seconds = Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
  if (!Number.isSafeInteger(seconds)) throw new UsageError(`${flag} is too large`);
  return seconds;
}

/**
 * Parses a TCP port number (0 = any free port).
 *
 * @example
 * parsePort('8080', '--port'); // 8080
 */
export function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a port number (0-65535)`);
  const port = Number(value);
  if (port > 65_535) throw new UsageError(`${flag} must be a port number (0-65535)`);
  return port;
}
