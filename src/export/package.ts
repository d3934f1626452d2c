/**
 * What every export format shares: its options (where to write, progress, the seal key that signs,
 * the archiefvormer, redaction) and its result, the one `--json` prints and the chat reports.
 */

import type { KeyObject } from 'node:crypto';
import { sign } from 'node:crypto';
import type { Lang } from '../domain/types.ts';
import type { Db } from '../store/db.ts';
import type { ExportFormat } from './formats.ts';

export { EXPORT_FORMATS, type ExportFormat } from './formats.ts';

export interface ExportResult {
  format: ExportFormat;
  /** The package written (a file for wacz and woo, a directory for bagit). */
  file: string;
  /** The SHA-256 of the package file (for a bag: of its tagmanifest-sha256.txt, which fixes every file). */
  sha256: string;
  bytes: number;
  posts: number;
  versions: number;
  media: number;
  records: number;
}

/** A key that signs a package: the archive's seal key (Ed25519). */
export interface Signer {
  privateKey: KeyObject;
  publicKey: KeyObject;
  fingerprint: string;
}

export interface ExportOptions {
  db: Db;
  warcDir: string;
  out: string;
  /** Called after each post: posts written so far, posts in the export. */
  onProgress?: (done: number, total: number) => void;
  signer?: Signer | null;
  /** The archiefvormer when no account names its organisation (config `export.organisation`). */
  organisation: string;
  lang: Lang;
  /** Woo: redact third parties' personal data (default true). */
  redact?: boolean;
  software: string;
  now?: Date;
}

/** An Ed25519 signature of `text`, base64, and the public key as base64 DER (SubjectPublicKeyInfo). */
export function signText(signer: Signer, text: string): { signature: string; publicKey: string } {
  return {
    signature: sign(null, Buffer.from(text, 'utf8'), signer.privateKey).toString('base64'),
    publicKey: signer.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** A counter of what went into a package. */
export class Tally {
  posts = 0;
  versions = 0;
  readonly media = new Set<string>();
  records = 0;

  /** The result for a package written as `written` (its file, digest and size). */
  result(format: ExportFormat, written: { file: string; sha256: string; bytes: number }): ExportResult {
    const { file, sha256, bytes } = written;
    const { posts, versions, records } = this;
    return { format, file, sha256, bytes, posts, versions, media: this.media.size, records };
  }
}
