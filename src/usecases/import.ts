/**
 * `import`: a platform's own export of an account (issue 12) into the archive. The whole file is read
 * and checked before anything is written; then its posts go through the ingest path chunk by chunk,
 * each chunk in one write transaction (src/store/imports.ts). Each new version is `origin: import`,
 * its metadata names the export file and its SHA-256, the export's documents and media are WARC
 * `resource` records. Posts already archived are matched by the platform's id: nothing captured is
 * overwritten, only what is missing is added; an export imported before adds nothing. A run that
 * stopped halfway (a crash, Ctrl-C) is resumed by running it again: the posts written are found held.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type ExportArchive,
  type ExportPost,
  hashExport,
  importMethod,
  type ParsedExport,
  readExport,
} from '../capture/imports/index.ts';
import { UsageError } from '../domain/errors.ts';
import { t } from '../domain/i18n.ts';
import type { Lang } from '../domain/types.ts';
import { appraise, type PostFacts, roleOfAccount } from '../kb/index.ts';
import type { Archive } from '../store/archive.ts';
import {
  type ExportFile,
  finishImport,
  type ImportRun,
  importTotals,
  ingestImportChunk,
  planImportChunk,
  startImport,
} from '../store/imports.ts';
import type { IngestInput, IngestResource } from '../store/ingest/types.ts';

/** Posts per write transaction: a crash loses at most this much work, and media of one chunk is in memory. */
export const IMPORT_CHUNK = 100;

export interface ImportOptions {
  file: string;
  /** The account's handle when the export does not name it (or to override it). */
  account?: string | null;
  dryRun?: boolean;
  requestedBy: string | null;
  channel: string | null;
  /** Posts handled so far (`stage: 'check'`: media files of the export checked before anything is written). */
  onProgress?: (p: { done: number; total: number; stage: 'check' | 'import' }) => void;
  chunkSize?: number;
}

export interface ImportReport {
  file: string;
  sha256: string;
  size: number;
  format: ParsedExport['format'];
  platform: string;
  account: string;
  dryRun: boolean;
  /** An unfinished earlier import of this file was continued. */
  resumed: boolean;
  /** Posts in the export. */
  posts: number;
  /** What was added (with --dry-run: what would be). */
  added: { posts: number; versions: number; media: number };
  /** Posts the archive already held with nothing new in the export. */
  present: number;
  /** Media the export names but does not contain. */
  missingMedia: number;
  captureId: number | null;
  method: { id: 'import'; misses: string[] };
}

/** The report as sentences, for the CLI's text and the chat alike. */
export function importSummary(r: ImportReport, lang: Lang): string[] {
  const counts = { ...r.added, present: r.present };
  const lines = [
    t(lang, 'import.summary', {
      file: r.file,
      format: r.format,
      account: r.account,
      sha256: r.sha256,
      total: r.posts,
    }),
  ];
  if (r.dryRun) lines.push(t(lang, 'import.would-add', counts));
  else if (r.captureId === null) lines.push(t(lang, 'import.nothing'));
  else lines.push(t(lang, 'import.added', counts));
  if (r.resumed) lines.push(t(lang, 'import.resumed'));
  if (r.missingMedia) lines.push(t(lang, 'import.missing-media', { n: r.missingMedia }));
  if (r.captureId !== null) lines.push(t(lang, 'import.capture', { capture: r.captureId }));
  return lines;
}

/** Imports an export file (or, with `dryRun`, says what it would add). */
export async function importExport(archive: Archive, opts: ImportOptions): Promise<ImportReport> {
  const name = path.basename(opts.file);
  const info = await stat(opts.file).catch(() => null);
  if (!info?.isFile()) throw new UsageError(`no file ${opts.file}`, 'import.no-file', { file: opts.file });
  const { sha256, size } = await hashExport(opts.file);
  const { zip, parsed } = await readExport(
    opts.file,
    sha256,
    opts.account?.trim() || null,
    path.join(archive.dataDir, 'tmp'),
    (p) => opts.onProgress?.({ ...p, stage: 'check' }),
  );
  try {
    const file: ExportFile = {
      name,
      sha256,
      size,
      format: parsed.format,
      platform: parsed.platform,
      account: parsed.account.handle,
    };
    return await run(archive, zip, parsed, file, opts);
  } finally {
    await zip.close();
  }
}

async function run(
  archive: Archive,
  zip: ExportArchive,
  parsed: ParsedExport,
  file: ExportFile,
  opts: ImportOptions,
): Promise<ImportReport> {
  const method = importMethod(parsed.format);
  const report: ImportReport = {
    file: file.name,
    sha256: file.sha256,
    size: file.size,
    format: parsed.format,
    platform: parsed.platform,
    account: parsed.account.handle,
    dryRun: Boolean(opts.dryRun),
    resumed: false,
    posts: parsed.posts.length,
    added: { posts: 0, versions: 0, media: 0 },
    present: 0,
    missingMedia: parsed.missingMedia,
    captureId: null,
    method: { id: 'import', misses: method.misses },
  };
  const size = opts.chunkSize ?? IMPORT_CHUNK;
  const total = parsed.posts.length;
  let importRun: ImportRun | null = null;
  try {
    for (let at = 0; at < total; at += size) {
      const chunk = parsed.posts.slice(at, at + size);
      const input = await chunkInput(zip, parsed, chunk, file, method, opts);
      const plan = await planImportChunk(archive, input);
      report.present += chunk.length - plan.posts.length;
      if (opts.dryRun) {
        report.added.posts += plan.posts.filter((p) => !p.keepState).length;
        report.added.versions += plan.posts.reduce((n, p) => n + p.newVersions.length, 0);
        report.added.media += plan.media.stored;
      } else if (plan.posts.length || importRun) {
        if (!importRun) {
          const started = await startImport(archive, file, total, opts);
          importRun = started.run;
          report.resumed = started.resumed;
          report.captureId = importRun.captureId;
        }
        await ingestImportChunk(
          archive,
          importRun.id,
          { ...input, captureId: importRun.captureId },
          chunk.length,
        );
      }
      opts.onProgress?.({ done: Math.min(at + size, total), total, stage: 'import' });
    }
  } catch (err) {
    if (importRun)
      await finishImport(archive, importRun, 'failed', {}, (err as Error).message).catch(() => {});
    throw err;
  }
  if (importRun) {
    const totals = await importTotals(archive, importRun.id);
    await finishImport(archive, importRun, 'done', {
      ...file,
      posts: totals.posts,
      versions: totals.versions,
    });
    report.added = { posts: totals.posts, versions: totals.versions, media: totals.media };
  }
  return report;
}

/** One chunk as the ingest path takes it: its posts, the export's documents and the chunk's media files. */
async function chunkInput(
  zip: ExportArchive,
  parsed: ParsedExport,
  chunk: ExportPost[],
  file: ExportFile,
  method: ReturnType<typeof importMethod>,
  opts: ImportOptions,
): Promise<IngestInput> {
  const date = new Date().toISOString();
  const resources: IngestResource[] = parsed.sources.map((s) => ({
    uri: s.uri,
    mime: s.mime,
    body: s.body,
    date,
  }));
  const seen = new Set<string>();
  for (const m of chunk.flatMap((p) => p.media)) {
    if (seen.has(m.uri)) continue;
    seen.add(m.uri);
    resources.push({ uri: m.uri, mime: m.mime, body: await zip.read(m.member), date, media: true });
  }
  return {
    url: `import:${file.name}`,
    trigger: 'import',
    requestedBy: opts.requestedBy,
    channel: opts.channel,
    method,
    posts: chunk.map((p) => ({
      post: p.post,
      role: 'account' as const,
      ...(p.status ? { status: p.status } : {}),
    })),
    exchanges: [],
    resources,
    origin: 'import',
    provenance: { import: { file: file.name, sha256: file.sha256, size: file.size, format: file.format } },
    appraise: (post, _role, accountRole) =>
      appraise({
        platform: post.platform,
        kind: post.kind as PostFacts['kind'],
        accountRole: roleOfAccount(accountRole),
      }),
  };
}
