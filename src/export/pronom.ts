/**
 * The PRONOM identifiers (PUIDs) of the formats an export writes or carries, from the DROID signature
 * file V122 (docs/reference/formats.md §3). The label is PRONOM's format name, as MDTO's
 * `bestandsformaat` wants it (begrippenlijst "PRONOM-register").
 */
export interface Pronom {
  puid: string;
  label: string;
  mime: string;
}

const BY_MIME: Record<string, Pronom> = {
  'application/warc': { puid: 'fmt/1281', label: 'WARC 1.1', mime: 'application/warc' },
  'application/json': { puid: 'fmt/817', label: 'JSON Data Interchange Format', mime: 'application/json' },
  'application/pdf': {
    puid: 'fmt/276',
    label: 'Acrobat PDF 1.7 - Portable Document Format',
    mime: 'application/pdf',
  },
  'text/csv': { puid: 'x-fmt/18', label: 'Comma Separated Values', mime: 'text/csv' },
  'application/xml': { puid: 'fmt/101', label: 'Extensible Markup Language 1.0', mime: 'application/xml' },
  'text/plain': { puid: 'x-fmt/111', label: 'Plain Text File', mime: 'text/plain' },
  'text/html': { puid: 'fmt/471', label: 'Hypertext Markup Language 5', mime: 'text/html' },
  'image/png': { puid: 'fmt/13', label: 'Portable Network Graphics 1.2', mime: 'image/png' },
  'image/jpeg': { puid: 'fmt/43', label: 'JPEG File Interchange Format 1.01', mime: 'image/jpeg' },
  'image/gif': { puid: 'fmt/4', label: 'Graphics Interchange Format 89a', mime: 'image/gif' },
  'image/webp': { puid: 'fmt/566', label: 'WebP (lossy)', mime: 'image/webp' },
  'video/mp4': { puid: 'fmt/199', label: 'MPEG-4 Media File', mime: 'video/mp4' },
  'video/webm': { puid: 'fmt/573', label: 'WebM', mime: 'video/webm' },
  'application/zip': { puid: 'x-fmt/263', label: 'ZIP Format', mime: 'application/zip' },
  'application/wacz': { puid: 'fmt/1840', label: 'Web Archive Collection Zipped', mime: 'application/wacz' },
};

/** A WARC file of ISO 28500:2017 (WARC/1.1), gzipped per record: its PUID is the WARC one. */
export function pronomOf(mime: string | null | undefined): Pronom | null {
  if (!mime) return null;
  return BY_MIME[mime.split(';')[0]!.trim().toLowerCase()] ?? null;
}

/** The file extension for a media type (what the bag names a media file). */
export function extensionOf(mime: string | null | undefined): string {
  const ext: Record<string, string> = {
    'image/png': '.png',
    'image/jpeg': '.jpg',
    'image/gif': '.gif',
    'image/webp': '.webp',
    'video/mp4': '.mp4',
    'video/webm': '.webm',
    'audio/mpeg': '.mp3',
  };
  return ext[mime?.split(';')[0]?.trim().toLowerCase() ?? ''] ?? '.bin';
}
