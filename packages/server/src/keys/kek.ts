import { randomIdentifier } from '../random.js';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A key-encryption-key problem (`ERR_KEK_INVALID`, `ERR_KEK_UNKNOWN`, `ERR_KEK_DECRYPT`). */
export class KekError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'KekError';
    this.code = code;
  }
}

interface Kek {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';

/** A stable, non-secret id of a KEK (so an envelope names the KEK that sealed it). */
function kekId(key: Buffer): string {
  return createHash('sha256').update('signet-kek-id\0').update(key).digest('base64url').slice(0, 10);
}

/**
 * A list of key-encryption keys: the first encrypts, all decrypt (so the KEK itself can rotate).
 * Envelopes are AES-256-GCM: `v1.<kek id>.<iv>.<tag>.<ciphertext>` (base64url parts); the
 * additional data binds an envelope to its row (e.g. the signing key's `kid`), so a ciphertext
 * copied onto another row does not decrypt.
 */
export class Keyring {
  readonly #keks: Kek[];

  private constructor(keks: Kek[]) {
    this.#keks = keks;
  }

  /**
   * Parses `SIGNET_KEK`-style text: base64url 32-byte keys separated by commas or newlines.
   *
   * @example
   * const ring = Keyring.parse(process.env.SIGNET_KEK ?? '');
   */
  static parse(text: string): Keyring {
    const parts = text
      .split(/[\s,]+/)
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (parts.length === 0) throw new KekError('ERR_KEK_INVALID', 'no key-encryption key given');
    const keks = parts.map((p, i) => {
      const key = /^[A-Za-z0-9_-]+$/.test(p) ? Buffer.from(p, 'base64url') : Buffer.alloc(0);
      if (key.length !== 32) {
        throw new KekError('ERR_KEK_INVALID', `key-encryption key #${i + 1} is not 32 bytes of base64url`);
      }
      return { id: kekId(key), key };
    });
    return new Keyring(keks);
  }

  /**
   * A new random KEK as base64url text (what `signet init` writes).
   *
   * @example
   * writeFileSync(file, Keyring.generate() + '\n', { mode: 0o600 });
   */
  static generate(): string {
    return randomIdentifier(32);
  }

  /** Id of the KEK that encrypts. */
  get primaryId(): string {
    return this.#keks[0]!.id;
  }

  /** Ids of every KEK that can decrypt. */
  get ids(): string[] {
    return this.#keks.map((k) => k.id);
  }

  /** Encrypts `plaintext` under the first KEK. */
  seal(plaintext: Uint8Array, aad: string): string {
    const kek = this.#keks[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', kek.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      VERSION,
      kek.id,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  /** Decrypts an envelope made by {@link Keyring.seal} with any KEK of the ring. */
  open(envelope: string, aad: string): Buffer {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION)
      throw new KekError('ERR_KEK_DECRYPT', 'malformed envelope');
    const [, id, iv, tag, ct] = parts as [string, string, string, string, string];
    const kek = this.#keks.find((k) => k.id === id);
    if (!kek) throw new KekError('ERR_KEK_UNKNOWN', `envelope sealed with unknown KEK ${id}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
    } catch {
      throw new KekError('ERR_KEK_DECRYPT', `envelope does not decrypt under KEK ${id}`);
    }
  }

  /** The id of the KEK that sealed an envelope (to find envelopes that need re-wrapping). */
  static envelopeKekId(envelope: string): string | undefined {
    return envelope.split('.')[1];
  }
}
