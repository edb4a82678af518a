import { randomIdentifier } from '../random.js';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Keyring } from '../keys/kek.js';
import { DATA_FILES } from './defaults.js';

/**
 * Creates a data directory: the directory itself (0700), a KEK file (0600) and an admin token file
 * (0600). Existing files are kept. `adminToken` is returned only when it was created now, so the
 * CLI can print it once. The database is created and migrated by the server on its first start.
 *
 * @example
 * const { created, adminToken, kekFile } = await initDataDir('./signet-data');
 */
export async function initDataDir(
  dir: string,
): Promise<{ created: string[]; adminToken?: string; kekFile: string; adminTokenFile: string }> {
  const root = resolve(dir);
  const created: string[] = [];
  if (!existsSync(root)) {
    await mkdir(root, { recursive: true, mode: 0o700 });
    created.push(root);
  }
  const kekFile = join(root, DATA_FILES.kek);
  if (!existsSync(kekFile)) {
    await writeFile(kekFile, `${Keyring.generate()}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(kekFile, 0o600);
    created.push(kekFile);
  }
  const adminTokenFile = join(root, DATA_FILES.adminToken);
  let adminToken: string | undefined;
  if (!existsSync(adminTokenFile)) {
    adminToken = generateAdminToken();
    await writeFile(adminTokenFile, `${adminToken}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(adminTokenFile, 0o600);
    created.push(adminTokenFile);
  }
  return adminToken === undefined
    ? { created, kekFile, adminTokenFile }
    : { created, adminToken, kekFile, adminTokenFile };
}

/** A new admin API token: 256 random bits, base64url, never starting with `-` (it goes on command lines). */
export function generateAdminToken(): string {
  return randomIdentifier(32);
}
