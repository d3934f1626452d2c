/**
 * The Woo package: what a Woo officer hands out, as one ZIP with
 *
 * - `document.pdf`: per post every version (with the word diff against the one before), its time,
 *   the account, the replies, media thumbnails, the capture method and what it misses, and the
 *   evidence hashes; text extractable (standard fonts);
 * - `inventaris.csv` and `inventaris.json`: the inventory list, one row per post (number, date,
 *   account, URL, status, versions, replies, method, hash) with the decision columns (besluit,
 *   weigeringsgrond, toelichting) left empty for the officer;
 * - `lakverantwoording.csv`: each redaction (post, field, kind, replacement) with its Woo ground.
 *
 * Third parties' personal data is redacted by default (./redact.ts); `redact: false` (admin, for
 * internal use) leaves it in and says so on the first page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { t } from '../domain/i18n.ts';
import type { PostDetail } from '../store/queries.ts';
import { type ExportOptions, type ExportResult, Tally } from './package.ts';
import { type RenderedPost, renderPdf } from './pdf.ts';
import { EvidenceResolver, RecordReader } from './records.ts';
import { Redactor } from './redact.ts';
import { eachPost, governmentHandles, type Selection, selectionAuthors } from './selection.ts';
import { HashingWriter, writeZip } from './zip.ts';

export const INVENTORY_COLUMNS = [
  'nummer',
  'datum',
  'account',
  'url',
  'status',
  'versies',
  'reacties',
  'methode',
  'sha256',
  'besluit',
  'weigeringsgrond',
  'toelichting',
] as const;

/** One CSV field (RFC 4180), with a leading formula character defused for spreadsheets. */
export function csvField(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (values: (string | number | null)[]) => `${values.map(csvField).join(',')}\r\n`;

function inventoryRow(
  n: number,
  d: PostDetail,
): Record<(typeof INVENTORY_COLUMNS)[number], string | number | null> {
  const latest = d.versions.at(-1);
  return {
    nummer: n,
    datum: d.post.createdAt ?? d.post.firstSeen,
    account: d.post.author,
    url: d.post.url,
    status: d.post.status,
    versies: d.versions.length,
    reacties: d.replies.length,
    methode: [...new Set(d.versions.map((v) => v.method))].join(' '),
    sha256: latest?.sha256 ?? null,
    besluit: '',
    weigeringsgrond: '',
    toelichting: '',
  };
}

/** Writes the Woo package of a selection to `opts.out` (a ZIP). */
export async function exportWoo(selection: Selection, opts: ExportOptions): Promise<ExportResult> {
  const tmp = mkdtempSync(path.join(path.dirname(path.resolve(opts.out)), '.woo-'));
  const reader = new RecordReader(opts.warcDir);
  const tally = new Tally();
  const redact = opts.redact !== false;
  const redactor = new Redactor(await governmentHandles(opts.db, selection));
  if (redact) for (const a of await selectionAuthors(opts.db, selection)) redactor.know(a.handle, a.name);
  const csv = new HashingWriter(path.join(tmp, 'inventaris.csv'));
  const json = new HashingWriter(path.join(tmp, 'inventaris.json'));
  try {
    await csv.write(csvLine([...INVENTORY_COLUMNS]));
    await json.write('[\n');
    async function* posts(): AsyncGenerator<RenderedPost> {
      const resolver = new EvidenceResolver(opts.db, reader);
      const records = new Set<string>();
      for await (const post of eachPost(opts.db, selection, (d) => resolver.resolve(d))) {
        const detail = redact ? redactor.redact(post.detail) : post.detail;
        const images = new Map<string, Buffer>();
        const hidden = redact && redactor.isCitizen(post.detail.post.author);
        for (const m of post.detail.media) {
          if (hidden || !m.evidence || !m.sha256 || images.has(m.sha256)) continue;
          const ref = post.records.find((r) => r.recordId === m.evidence!.recordId);
          const rec = ref ? await reader.read(ref, true) : null;
          const end = rec?.block?.indexOf('\r\n\r\n') ?? -1;
          if (rec?.block && end >= 0) images.set(m.sha256, rec.block.subarray(end + 4));
        }
        tally.posts++;
        tally.versions += detail.versions.length;
        for (const r of post.records) records.add(`${r.file}@${r.offset}`);
        tally.records = records.size;
        for (const m of post.detail.media) if (m.sha256) tally.media.add(m.sha256);
        const row = inventoryRow(tally.posts, detail);
        await csv.write(csvLine(Object.values(row)));
        await json.write(`${tally.posts > 1 ? ',\n' : ''}${JSON.stringify(row)}`);
        opts.onProgress?.(tally.posts, selection.all.length);
        yield {
          detail,
          images,
          recordHashes: new Map(post.records.map((r) => [r.recordId, r.sha256])),
        };
      }
    }
    const title = t(opts.lang, redact ? 'export.woo.title' : 'export.woo.title-unredacted', {
      selection: selection.describe,
    });
    await renderPdf(path.join(tmp, 'document.pdf'), title, opts.lang, posts());
    await json.write('\n]\n');
    await csv.close();
    await json.close();
    writeFileSync(
      path.join(tmp, 'lakverantwoording.csv'),
      [
        csvLine(['post', 'veld', 'soort', 'vervangen door', 'grond']),
        ...redactor.log.map((r) => csvLine([r.post, r.field, r.kind, r.replacement, r.ground])),
      ].join(''),
    );
    const result = await writeZip(
      opts.out,
      ['document.pdf', 'inventaris.csv', 'inventaris.json', 'lakverantwoording.csv'].map((name) => ({
        name,
        file: path.join(tmp, name),
      })),
    );
    return tally.result('woo', result);
  } finally {
    await reader.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
