/**
 * Imports of the platforms' own exports: which export a zip is, read by its format's module (one file
 * each), and the capture method `import` with what it misses. The whole file is read and checked here
 * before anything is written (src/usecases/import.ts writes).
 */
import type { CaptureMethod } from '../../domain/types.ts';
import { type ExportArchive, ExportZip, importError, magicOf, type ParsedExport } from './export-file.ts';
import { isLinkedIn, parseLinkedIn } from './linkedin.ts';
import { isMastodon, parseMastodon } from './mastodon.ts';
import { metaFormat, parseMeta } from './meta.ts';
import { ExportTar } from './tar.ts';
import { isXArchive, parseXArchive } from './x-archive.ts';

export type { ExportFormat, ExportMedia, ExportPost, ParsedExport } from './export-file.ts';
export { type ExportArchive, hashExport, memberUri } from './export-file.ts';

const COMMON_MISSES = [
  'replies and comments by others (an export holds the account’s own posts only)',
  'edits before the export (only the state at export time, unless the export lists earlier versions: X since 2022)',
  'posts deleted before the export (unless the export keeps them: X’s deleted-tweets.js)',
  'counters as of the export only; the look of the platform',
];

const FORMAT_MISSES: Record<ParsedExport['format'], string[]> = {
  'x-archive': [
    'alt text (the archive has none)',
    'long posts beyond their first 280 characters (note-tweet.js is not read)',
    'quoted and reposted posts of others (their ids only)',
  ],
  facebook: [
    'post ids and URLs (the export has none: posts are keyed by account and time)',
    'comments and reactions',
  ],
  instagram: [
    'post ids and URLs (the export has none: posts are keyed by account and time)',
    'comments and likes',
  ],
  linkedin: ['media files (the export only links to them)', 'reactions and reposts'],
  mastodon: ['boosts of others’ posts', 'custom emoji images', 'edit history (the current version only)'],
};

/** The capture method of an import, with the misses of its format (Nationaal Archief's module "bewaren"). */
export function importMethod(format: ParsedExport['format']): CaptureMethod {
  return {
    id: 'import',
    label: 'the platform’s own export of the account, as downloaded by the organisation',
    captures: ['the account’s own posts', 'text', 'the media files the export contains', 'dates'],
    misses: [...COMMON_MISSES, ...FORMAT_MISSES[format]],
  };
}

/**
 * Opens the export, reads every post and document it holds and checks every media file it names
 * (their bytes are read again later, chunk by chunk, to be stored). A file that is no zip, a damaged zip, one with no known export inside, or a member with bad
 * data is refused with one line naming what is wrong; the zip is closed again then.
 */
export async function readExport(
  file: string,
  sha256: string,
  handle: string | null,
  /** Where a .tar.gz export's media wait while it is imported (a folder of its own is made inside). */
  tmpRoot: string,
  /** Progress of the media check (a large export holds gigabytes of media). */
  onCheck?: (p: { done: number; total: number }) => void,
): Promise<{ zip: ExportArchive; parsed: ParsedExport }> {
  const zip = await openExport(file, tmpRoot);
  try {
    const parsed = await parse(zip, sha256, handle);
    // Every media file the posts name is inflated once and checked against its CRC-32 now, so a
    // damaged member refuses the file before anything is written rather than halfway through.
    const members = new Set(parsed.posts.flatMap((p) => p.media.map((m) => m.member)));
    let done = 0;
    for (const member of members) {
      await zip.check(member);
      onCheck?.({ done: ++done, total: members.size });
    }
    return { zip, parsed };
  } catch (err) {
    await zip.close();
    throw err;
  }
}

/** A zip (every export), or a gzip'd tar (Mastodon's archive before it became a zip). */
async function openExport(file: string, tmpRoot: string): Promise<ExportArchive> {
  const magic = await magicOf(file);
  return magic[0] === 0x1f && magic[1] === 0x8b ? ExportTar.open(file, tmpRoot) : ExportZip.open(file);
}

async function parse(zip: ExportArchive, sha256: string, handle: string | null): Promise<ParsedExport> {
  if (isXArchive(zip)) return parseXArchive(zip, sha256, handle);
  if (isMastodon(zip)) return parseMastodon(zip, sha256, handle);
  if (isLinkedIn(zip)) return parseLinkedIn(zip, sha256, handle);
  const meta = metaFormat(zip);
  if (meta) return parseMeta(zip, sha256, meta, handle);
  throw importError('import-unknown', `${zip.fileName} holds no export Archiefbot knows`, {
    file: zip.fileName,
  });
}
