/**
 * A post's images, shown on its page from the archive's own evidence: the media record is read from
 * its WARC file, its SHA-256 checked against the one the archive keeps, and served only for raster
 * image types (never SVG or HTML, which could carry script), with a policy that lets it run nothing.
 */
import type { Request, Response, Router } from 'express';
import { sha256Hex } from '../domain/content.ts';
import type { Archive } from '../store/archive.ts';
import { readRecordAt } from '../store/warc.ts';

/** The image types shown inline; anything else is listed, not shown. */
export const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export function mediaRoutes(router: Router, archive: Archive): void {
  router.get('/media/:sha256', async (req: Request, res: Response, next) => {
    try {
      const sha = String(req.params.sha256);
      const row = /^[0-9a-f]{64}$/.test(sha)
        ? await archive.db.get<{ mime: string | null; file: string; offset: number; length: number }>(
            'SELECT mime, warc_file AS file, warc_offset AS offset, warc_length AS length FROM media WHERE sha256 = ?',
            [sha],
          )
        : undefined;
      const mime = row?.mime?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (!row || !INLINE_IMAGES.has(mime)) return void res.status(404).end();
      const rec = await readRecordAt(archive.warcDir, row);
      // What the archive holds must be what it says it holds.
      if (sha256Hex(rec.payload) !== sha) return void res.status(500).end();
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.type(mime).send(rec.payload);
    } catch (err) {
      next(err);
    }
  });
}
