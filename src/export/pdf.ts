/**
 * The PDF rendition of posts (pdfkit, standard fonts, so the text is extractable): per post every
 * version with its time, the word diff against the version before, the account, the replies, media
 * (thumbnails of PNG and JPEG images), the capture method and what it misses, and the evidence
 * hashes. One document per post (the BagIt rendition) or one for a whole selection (Woo).
 */
import { createWriteStream } from 'node:fs';
import PDFDocument from 'pdfkit';
import { wordDiff } from '../domain/diff.ts';
import { t } from '../domain/i18n.ts';
import type { Lang } from '../domain/types.ts';
import type { PostDetail } from '../store/queries.ts';

/** A post as the PDF shows it (after any redaction), with the images to show as thumbnails. */
export interface RenderedPost {
  detail: PostDetail;
  /** Media bytes by SHA-256 (PNG or JPEG only are drawn). */
  images: Map<string, Buffer>;
  /** Evidence hashes by WARC record id (the SHA-256 of each record the archive keeps). */
  recordHashes: Map<string, string | null>;
}

type Doc = InstanceType<typeof PDFDocument>;

const WIN_ANSI_EXTRA = new Set(['–', '—', '‘', '’', '“', '”', '…', '€', '·']);

/** Helvetica speaks WinAnsi: characters it cannot draw (emoji, CJK) become "?" rather than garbage. */
function drawable(text: string): string {
  return [...text]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      const ok = c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff);
      return ok || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
    })
    .join('');
}

function isImage(bytes: Buffer): boolean {
  return (
    (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) ||
    (bytes[0] === 0xff && bytes[1] === 0xd8)
  );
}

function heading(doc: Doc, post: PostDetail, lang: Lang) {
  const p = post.post;
  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .text(drawable(`${p.authorName ?? p.author ?? '?'} (${p.author ?? '?'})`));
  doc.font('Helvetica').fontSize(9);
  doc.text(
    drawable(
      t(lang, 'export.pdf.post-line', {
        platform: p.platform,
        id: p.id,
        status: p.status,
        time: p.createdAt ?? '?',
      }),
    ),
  );
  doc.text(drawable(p.url));
  if (post.appraisal)
    doc.text(
      drawable(
        t(lang, 'export.pdf.appraisal', {
          valuation: post.appraisal.valuation ?? '-',
          term: post.appraisal.termYears ?? '-',
          reason: post.appraisal.reason,
        }),
      ),
    );
  doc.moveDown(0.5);
}

function versions(doc: Doc, rendered: RenderedPost, lang: Lang) {
  const { detail } = rendered;
  let before: string | null = null;
  for (const v of detail.versions) {
    doc.font('Helvetica-Bold').fontSize(10);
    doc.text(
      drawable(
        t(lang, 'export.pdf.version', {
          n: v.number,
          time: v.validFrom ?? v.capturedAt,
          captured: v.capturedAt,
        }),
      ),
    );
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(drawable(v.text || '-'));
    if (before !== null) {
      doc.fontSize(8).text(drawable(t(lang, 'export.pdf.diff', { diff: wordDiff(before, v.text) })));
    }
    before = v.text;
    doc.fontSize(8);
    doc.text(
      drawable(t(lang, 'export.pdf.method', { method: v.method, misses: v.misses.join('; ') || '-' })),
    );
    doc.text(
      drawable(
        t(lang, 'export.pdf.evidence', {
          hash: v.sha256,
          file: v.evidence.file,
          offset: v.evidence.offset,
          record: rendered.recordHashes.get(v.evidence.recordId) ?? '-',
        }),
      ),
    );
    for (const m of detail.media.filter((x) => x.version === v.number)) {
      doc.text(drawable(t(lang, 'export.pdf.media', { type: m.type, url: m.url, hash: m.sha256 ?? '-' })));
      const bytes = m.sha256 ? rendered.images.get(m.sha256) : undefined;
      if (bytes && isImage(bytes)) {
        try {
          doc.image(bytes, { fit: [120, 120] });
        } catch {
          // An image pdfkit cannot read stays listed by its hash.
        }
      }
    }
    doc.moveDown(0.5);
  }
}

function replies(doc: Doc, detail: PostDetail, lang: Lang) {
  if (!detail.replies.length) return;
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .text(drawable(t(lang, 'export.pdf.replies', { n: detail.replies.length })));
  doc.font('Helvetica').fontSize(9);
  for (const r of detail.replies)
    doc.text(drawable(`${r.author ?? '?'} · ${r.createdAt ?? '?'} · ${r.status}: ${r.text}`));
  doc.moveDown(0.5);
}

/** Renders the posts into one PDF at `file`; `each` yields them one at a time. */
export async function renderPdf(
  file: string,
  title: string,
  lang: Lang,
  each: AsyncIterable<RenderedPost>,
): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: drawable(title), Creator: 'Archiefbot' },
  });
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  doc.pipe(out);
  doc.font('Helvetica-Bold').fontSize(16).text(drawable(title));
  doc.moveDown();
  let first = true;
  for await (const post of each) {
    if (!first) doc.addPage();
    first = false;
    heading(doc, post.detail, lang);
    versions(doc, post, lang);
    replies(doc, post.detail, lang);
  }
  doc.end();
  await done;
}
