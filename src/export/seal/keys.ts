/**
 * The seal's Ed25519 key: a PEM private key kept outside the data directory (ARCHIEFBOT_SEAL_KEY, else
 * ~/.config/archiefbot/seal-key.pem, made on first use), and its public key beside the archive
 * (seal-public-key.pem), which is all anyone needs to check a seal.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { sha256Hex } from '../../domain/content.ts';
import { UsageError } from '../../domain/errors.ts';

export const PUBLIC_KEY_FILE = 'seal-public-key.pem';

export interface SealKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  fingerprint: string;
  file: string;
  /** True when this call made the key (the caller says where it is and that it must be kept safe). */
  generated: boolean;
}

/** `$XDG_CONFIG_HOME/archiefbot/seal-key.pem`, else `~/.config/archiefbot/seal-key.pem`. */
function defaultKeyFile(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || homedir(), '.config');
  return path.join(base, 'archiefbot', 'seal-key.pem');
}

/** The SHA-256 of the public key's DER (SubjectPublicKeyInfo), in hex: the key's name in the seal log. */
export function fingerprint(publicKey: KeyObject): string {
  return sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
}

/** A path with its existing part resolved through symbolic links, so two names of one place compare equal. */
function realPath(p: string): string {
  const abs = path.resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = path.dirname(abs);
  return parent === abs ? abs : path.join(realPath(parent), path.basename(abs));
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(realPath(dir), realPath(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A public key from PEM text; a UsageError when it is not an Ed25519 public key. */
export function readPublicKey(pem: string, from: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new UsageError(`${from}: not a PEM public key`, 'seal.public-key-unreadable', {
      file: from,
      reason: (err as Error).message,
    });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new UsageError(`${from}: not an Ed25519 key`, 'seal.key-not-ed25519', { file: from });
  return key;
}

function generate(file: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false; // another process made it first
    throw err;
  }
}

/**
 * The private key named by ARCHIEFBOT_SEAL_KEY (which must exist), else the default file, made when
 * missing. A key file inside the data directory is refused: whoever can alter the archive must not
 * be able to re-seal it.
 */
export function loadSealKey(dataDir: string, env: NodeJS.ProcessEnv): SealKey {
  const named = env.ARCHIEFBOT_SEAL_KEY?.trim();
  const file = path.resolve(named || defaultKeyFile(env));
  if (isInside(file, dataDir))
    throw new UsageError(
      `the seal key ${file} is inside the data directory ${dataDir}`,
      'seal.key-inside-archive',
      {
        file,
        dataDir,
      },
    );
  if (named && !existsSync(file))
    throw new UsageError(`ARCHIEFBOT_SEAL_KEY names ${file}, which does not exist`, 'seal.key-missing', {
      file,
    });
  const generated = !named && !existsSync(file) && generate(file);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch (err) {
    throw new UsageError(`${file}: not a PEM private key`, 'seal.key-unreadable', {
      file,
      reason: (err as Error).message,
    });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new UsageError(`${file}: not an Ed25519 key`, 'seal.key-not-ed25519', { file });
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey, publicPem, fingerprint: fingerprint(publicKey), file, generated };
}

/**
 * Writes the public key beside the archive (seal-public-key.pem). A different key already there is
 * kept under its fingerprint (seal-public-key-<first 16 hex>.pem), for the seals it made.
 */
export function publishPublicKey(dataDir: string, key: SealKey): string {
  const file = path.join(dataDir, PUBLIC_KEY_FILE);
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    if (old === key.publicPem) return file;
    try {
      const oldPrint = fingerprint(createPublicKey(old));
      renameSync(file, path.join(dataDir, `seal-public-key-${oldPrint.slice(0, 16)}.pem`));
    } catch {
      // Not a key at all: replaced by the real one.
    }
  }
  writeFileSync(file, key.publicPem);
  return file;
}
