/**
 * `export`: a selection of the archive handed over as a package (WACZ for replay, BagIt + MDTO for an
 * e-depot, a Woo package of PDF and inventory), written beside the archive (`<dataDir>/exports/`) or
 * where asked, signed with the seal key when the archive has one, and noted in the audit log.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { UsageError } from '../domain/errors.ts';
import type { Lang } from '../domain/types.ts';
import { exportBagit } from '../export/bagit.ts';
import type { ExportFormat, ExportOptions, ExportResult, Signer } from '../export/package.ts';
import { loadSealKey, PUBLIC_KEY_FILE } from '../export/seal/keys.ts';
import { resolveSelection, type SelectionSpec } from '../export/selection.ts';
import { exportWacz } from '../export/wacz.ts';
import { exportWoo } from '../export/woo.ts';
import type { Archive } from '../store/archive.ts';
import { appendAudit } from '../store/audit.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';

export interface ExportRequest extends SelectionSpec {
  format: ExportFormat;
  /** Where to write (default: `<dataDir>/exports/archiefbot-<what>-<time>.<ext>`). */
  out?: string;
  actor: string;
  lang: Lang;
  /** Woo: false only for internal use (admin). */
  redact?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Sizes for people: 1.2 MB. */
export function humanBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

const EXTENSION: Record<ExportFormat, string> = { wacz: '.wacz', bagit: '', woo: '.zip' };
const WRITERS = { wacz: exportWacz, bagit: exportBagit, woo: exportWoo };

/**
 * The archive's seal key, when the archive has one (ARCHIEFBOT_SEAL_KEY is set, or the archive was
 * sealed and its public key lies beside it); null otherwise: an export never makes a new key.
 */
export function configuredSigner(dataDir: string, env: NodeJS.ProcessEnv): Signer | null {
  if (!env.ARCHIEFBOT_SEAL_KEY?.trim() && !existsSync(path.join(dataDir, PUBLIC_KEY_FILE))) return null;
  const key = loadSealKey(dataDir, env);
  return { privateKey: key.privateKey, publicKey: key.publicKey, fingerprint: key.fingerprint };
}

function defaultOut(config: Config, format: ExportFormat, now: Date): string {
  const dir = path.join(config.dataDir, 'exports');
  mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
  const name = (n: number) => `archiefbot-${format}-${stamp}${n > 1 ? `-${n}` : ''}${EXTENSION[format]}`;
  let n = 1;
  while (existsSync(path.join(dir, name(n)))) n++;
  return path.join(dir, name(n));
}

export async function exportSelection(
  archive: Archive,
  config: Config,
  env: NodeJS.ProcessEnv,
  req: ExportRequest,
): Promise<ExportResult> {
  const selection = await resolveSelection(archive.db, req);
  const now = new Date();
  const out = path.resolve(req.out ?? defaultOut(config, req.format, now));
  // Never over another file or directory: a bag replaces its target whole.
  if (existsSync(out)) throw new UsageError(`${out} exists already`, 'export.out-exists', { file: out });
  mkdirSync(path.dirname(out), { recursive: true });
  const opts: ExportOptions = {
    db: archive.db,
    warcDir: archive.warcDir,
    out,
    onProgress: req.onProgress,
    signer: configuredSigner(config.dataDir, env),
    organisation: config.warc.operator || 'onbekend',
    lang: req.lang,
    redact: req.redact !== false,
    software: `${TOOL_NAME} ${TOOL_VERSION}`,
    now,
  };
  const result = await WRITERS[req.format](selection, opts);
  await archive.db.transaction(() =>
    appendAudit(archive.db, {
      actor: req.actor,
      action: 'export',
      subject: selection.describe,
      detail: { ...result, redacted: req.format === 'woo' ? opts.redact : undefined },
    }),
  );
  return result;
}
