/**
 * BagIt 1.0 (RFC 8493) with MDTO metadata: the transfer package for an e-depot.
 *
 *   bagit.txt · bag-info.txt · manifest-sha256.txt · tagmanifest-sha256.txt
 *   data/posts/<id>/post-<id>.mdto.xml       the post's informatieobject
 *   data/posts/<id>/post-<id>.warc.gz        the records it stands on, copied byte for byte
 *   data/posts/<id>/post-<id>.json           the normalised post (versions, replies, media, appraisal)
 *   data/posts/<id>/post-<id>.pdf            the PDF rendition
 *   data/posts/<id>/media/<sha256>.<ext>     each media file, as the platform served it
 *   data/posts/<id>/<file>.mdto.xml          the bestand of each of those files
 *
 * The bag is written under `<out>.partial` and renamed when whole. `verifyBag` checks a bag after the
 * RFC (bagit.txt, completeness, Payload-Oxum, every payload and tag checksum), whoever made it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../domain/content.ts';
import { bestand, informatieobject, postKenmerk, postNaam } from './mdto.ts';
import { type ExportOptions, type ExportResult, Tally } from './package.ts';
import { renderPdf } from './pdf.ts';
import { extensionOf, type Pronom, pronomOf } from './pronom.ts';
import { RecordReader } from './records.ts';
import { eachPost, governmentHandles, type SelectedPost, type Selection } from './selection.ts';
import { HashingWriter, hashFile } from './zip.ts';

export { type BagReport, verifyBag } from './bagit-verify.ts';

/** A file of the payload: where it is in the bag, its size and SHA-256. */
interface PayloadFile {
  rel: string;
  bytes: number;
  sha256: string;
}

class Payload {
  readonly manifest: HashingWriter;
  octets = 0;
  files = 0;

  constructor(readonly bag: string) {
    this.manifest = new HashingWriter(path.join(bag, 'manifest-sha256.txt'));
  }

  /** Notes a file written under the bag in the manifest (paths percent-encode CR, LF and %). */
  async add(rel: string, bytes: number, sha256: string): Promise<PayloadFile> {
    const encoded = rel.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    await this.manifest.write(`${sha256}  ${encoded}\n`);
    this.octets += bytes;
    this.files++;
    return { rel, bytes, sha256 };
  }

  async write(rel: string, data: Buffer | string): Promise<PayloadFile> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const file = path.join(this.bag, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, buf);
    return this.add(rel, buf.length, sha256Hex(buf));
  }
}

/** The bag's files for one post and their MDTO records. */
async function writePost(
  post: SelectedPost,
  payload: Payload,
  reader: RecordReader,
  opts: ExportOptions,
  citizens: (handle: string | null) => boolean,
): Promise<void> {
  const d = post.detail;
  const dir = `data/posts/${d.post.id}`;
  const base = `post-${d.post.id}`;
  const at = opts.now ?? new Date();
  const of = { naam: postNaam(d), kenmerk: postKenmerk(d).kenmerk };
  const files: { file: PayloadFile; format: Pronom; url?: string | null }[] = [];
  // The WARC records the post stands on, each gzip member as stored.
  const warc = new HashingWriter(path.join(payload.bag, dir, `${base}.warc.gz`));
  mkdirSync(path.join(payload.bag, dir, 'media'), { recursive: true });
  const hashes = new Map<string, string | null>();
  const images = new Map<string, Buffer>();
  const mediaByRecord = new Map(d.media.filter((m) => m.evidence).map((m) => [m.evidence!.recordId, m]));
  for (const ref of post.records) {
    const media = mediaByRecord.get(ref.recordId);
    const rec = await reader.read(ref, Boolean(media));
    await warc.write(rec.bytes);
    hashes.set(ref.recordId, ref.sha256);
    if (!media?.sha256 || !rec.block || images.has(media.sha256)) continue;
    const end = rec.block.indexOf('\r\n\r\n');
    const body = end >= 0 ? rec.block.subarray(end + 4) : Buffer.alloc(0);
    if (sha256Hex(body) !== media.sha256) continue; // sent encoded: it stays in the WARC only
    images.set(media.sha256, body);
    const f = await payload.write(`${dir}/media/${media.sha256}${extensionOf(media.mime)}`, body);
    const format = pronomOf(media.mime) ?? {
      puid: '',
      label: media.mime ?? 'onbekend',
      mime: media.mime ?? '',
    };
    files.push({ file: f, format, url: media.url });
  }
  const w = await warc.close();
  files.push({
    file: await payload.add(`${dir}/${base}.warc.gz`, w.bytes, w.sha256),
    format: pronomOf('application/warc')!,
  });
  const json = `${JSON.stringify({ ...d, organisation: post.organisation, apiRef: post.apiRef }, null, 2)}\n`;
  files.push({
    file: await payload.write(`${dir}/${base}.json`, json),
    format: pronomOf('application/json')!,
  });
  const pdfFile = path.join(payload.bag, dir, `${base}.pdf`);
  await renderPdf(
    pdfFile,
    postNaam(d),
    opts.lang,
    (async function* () {
      yield { detail: d, images, recordHashes: hashes };
    })(),
  );
  const pdf = await hashFile(pdfFile);
  files.push({
    file: await payload.add(`${dir}/${base}.pdf`, pdf.bytes, pdf.sha256),
    format: pronomOf('application/pdf')!,
  });
  for (const f of files) {
    const name = path.posix.basename(f.file.rel);
    const xml = bestand({
      kenmerk: `${of.kenmerk}/${name}`,
      naam: name,
      bytes: f.file.bytes,
      format: f.format.puid ? f.format : { ...f.format, puid: '' },
      sha256: f.file.sha256,
      at,
      url: f.url,
      of,
    });
    await payload.write(`${dir}/${name}.mdto.xml`, xml);
  }
  const xml = informatieobject({
    detail: d,
    archiefvormer: post.organisation ?? opts.organisation,
    representaties: files.map((f) => ({
      naam: path.posix.basename(f.file.rel),
      kenmerk: `${of.kenmerk}/${path.posix.basename(f.file.rel)}`,
    })),
    replies: d.replies.map((r) => ({ kenmerk: `post-${r.id}`, naam: r.url })),
    personalData: citizens(d.post.author),
  });
  await payload.write(`${dir}/${base}.mdto.xml`, xml);
}

/** `Bag-Size`: the payload's size for people (RFC 8493 §2.2.2). */
function humanSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${u ? n.toFixed(1) : n} ${units[u]}`;
}

/** Writes the bag of a selection to the directory `opts.out`. */
export async function exportBagit(selection: Selection, opts: ExportOptions): Promise<ExportResult> {
  const out = path.resolve(opts.out);
  const bag = `${out}.partial`;
  rmSync(bag, { recursive: true, force: true });
  mkdirSync(path.join(bag, 'data'), { recursive: true });
  const payload = new Payload(bag);
  const reader = new RecordReader(opts.warcDir);
  const tally = new Tally();
  const government = await governmentHandles(opts.db, selection);
  try {
    for await (const post of eachPost(opts.db, selection)) {
      await writePost(post, payload, reader, opts, (h) => h !== null && !government.has(h));
      tally.posts++;
      tally.versions += post.detail.versions.length;
      tally.records += post.records.length;
      for (const m of post.detail.media) if (m.sha256) tally.media.add(m.sha256);
      opts.onProgress?.(tally.posts, selection.all.length);
    }
    const manifest = await payload.manifest.close();
    const tags: [string, Buffer][] = [
      ['bagit.txt', Buffer.from('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n')],
      ['bag-info.txt', Buffer.from(bagInfo(selection, opts, payload))],
    ];
    for (const [name, data] of tags) writeFileSync(path.join(bag, name), data);
    const tagLines = [
      ...tags.map(([name, data]) => `${sha256Hex(data)}  ${name}`),
      `${manifest.sha256}  manifest-sha256.txt`,
    ];
    const tagmanifest = Buffer.from(`${tagLines.join('\n')}\n`);
    writeFileSync(path.join(bag, 'tagmanifest-sha256.txt'), tagmanifest);
    rmSync(out, { recursive: true, force: true });
    renameSync(bag, out);
    return {
      format: 'bagit',
      file: out,
      sha256: createHash('sha256').update(tagmanifest).digest('hex'),
      bytes: payload.octets,
      posts: tally.posts,
      versions: tally.versions,
      media: tally.media.size,
      records: tally.records,
    };
  } catch (err) {
    rmSync(bag, { recursive: true, force: true });
    throw err;
  } finally {
    await reader.close();
  }
}

function bagInfo(selection: Selection, opts: ExportOptions, payload: Payload): string {
  const now = opts.now ?? new Date();
  return [
    `Source-Organization: ${opts.organisation}`,
    `Bagging-Date: ${now.toISOString().slice(0, 10)}`,
    `External-Identifier: archiefbot-export-${now.toISOString().replace(/[-:.]/g, '')}`,
    `External-Description: Archiefbot export: ${selection.describe.replace(/\s+/g, ' ')}`,
    `Payload-Oxum: ${payload.octets}.${payload.files}`,
    `Bag-Size: ${humanSize(payload.octets)}`,
    `Bag-Software-Agent: ${opts.software}`,
    '',
  ].join('\n');
}
