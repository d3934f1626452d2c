/**
 * BagIt 1.0 (RFC 8493) with MDTO metadata: the transfer package for an e-depot.
 *
 *   bagit.txt · bag-info.txt · manifest-sha256.txt · tagmanifest-sha256.txt
 *   data/dossier.mdto.xml                    the export as an informatieobject (Dossier) holding the posts
 *   data/warc/archive.warc.gz (+ .mdto.xml)  every record the posts stand on, once, copied byte for byte
 *   data/posts/<id>/post-<id>.mdto.xml       the post's informatieobject (part of the dossier)
 *   data/posts/<id>/post-<id>.json           the normalised post (versions, replies, media, appraisal) and
 *                                            where its evidence is in the bag's WARC (offset, length, SHA-256)
 *   data/posts/<id>/post-<id>.pdf            the PDF rendition
 *   data/posts/<id>/media/<sha256>.<ext>     each media file, as the platform served it
 *   data/posts/<id>/<file>.mdto.xml          the bestand of each of those files
 *
 * The bag is written under `<out>.partial` and renamed when whole. `verifyBag` checks a bag after the
 * RFC (bagit.txt, completeness, Payload-Oxum, every payload and tag checksum), whoever made it.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../domain/content.ts';
import { hashFile } from '../store/ingest/write.ts';
import { bestand, dossier, informatieobject, postKenmerk, postNaam } from './mdto.ts';
import { type ExportOptions, type ExportResult, Tally } from './package.ts';
import { renderPdf } from './pdf.ts';
import { extensionOf, type Pronom, pronomOf } from './pronom.ts';
import { EvidenceResolver, RecordReader } from './records.ts';
import { eachPost, governmentHandles, type SelectedPost, type Selection } from './selection.ts';
import { HashingWriter } from './zip.ts';

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
  /** The directories made (a post's directory is made once, not for each of its files). */
  private readonly dirs = new Set<string>();

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
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      if (this.dirs.size > 64) this.dirs.clear(); // posts come one after another: only recent ones matter
      this.dirs.add(dir);
    }
    writeFileSync(file, buf);
    return this.add(rel, buf.length, sha256Hex(buf));
  }
}

/** The bag's one WARC: each record the selection stands on, once, as stored; where each went. */
class BagWarc {
  static readonly REL = 'data/warc/archive.warc.gz';
  readonly writer: HashingWriter;
  readonly at = new Map<string, number>();

  constructor(bag: string) {
    mkdirSync(path.join(bag, 'data', 'warc'), { recursive: true });
    this.writer = new HashingWriter(path.join(bag, BagWarc.REL));
  }
}

interface PostContext {
  payload: Payload;
  warc: BagWarc;
  reader: RecordReader;
  opts: ExportOptions;
  citizen: (handle: string | null) => boolean;
  dossier: { naam: string; kenmerk: string };
}

/** Copies the post's records into the bag's WARC (each once); returns where they are and the media bytes. */
async function copyRecords(post: SelectedPost, c: PostContext) {
  const media = new Map(post.detail.media.filter((m) => m.evidence).map((m) => [m.evidence!.recordId, m]));
  const evidence: {
    file: string;
    offset: number;
    length: number;
    recordId: string;
    sha256: string | null;
  }[] = [];
  const images = new Map<string, Buffer>();
  const mediaFiles: { sha256: string; mime: string | null; url: string; body: Buffer }[] = [];
  for (const ref of post.records) {
    const key = `${ref.file}@${ref.offset}`;
    const m = media.get(ref.recordId);
    let offset = c.warc.at.get(key);
    if (offset === undefined || m) {
      const rec = await c.reader.read(ref, Boolean(m));
      if (offset === undefined) {
        offset = c.warc.writer.bytes;
        c.warc.at.set(key, offset);
        await c.warc.writer.write(rec.bytes);
      }
      const end = rec.block?.indexOf('\r\n\r\n') ?? -1;
      const body = rec.block && end >= 0 ? rec.block.subarray(end + 4) : null;
      // Sent encoded (its bytes are not the media's hash): it stays in the WARC only.
      if (m?.sha256 && body && !images.has(m.sha256) && sha256Hex(body) === m.sha256) {
        images.set(m.sha256, body);
        mediaFiles.push({ sha256: m.sha256, mime: m.mime, url: m.url, body });
      }
    }
    evidence.push({
      file: BagWarc.REL,
      offset,
      length: ref.length,
      recordId: ref.recordId,
      sha256: ref.sha256,
    });
  }
  return { evidence, images, mediaFiles };
}

/** The bag's files for one post (JSON, PDF, media) and their MDTO records. */
async function writePost(post: SelectedPost, c: PostContext): Promise<void> {
  const d = post.detail;
  const dir = `data/posts/${d.post.id}`;
  const base = `post-${d.post.id}`;
  const at = c.opts.now ?? new Date();
  const of = { naam: postNaam(d), kenmerk: postKenmerk(d).kenmerk };
  const { evidence, images, mediaFiles } = await copyRecords(post, c);
  const files: { file: PayloadFile; format: Pronom; url?: string | null }[] = [];
  for (const m of mediaFiles) {
    const f = await c.payload.write(`${dir}/media/${m.sha256}${extensionOf(m.mime)}`, m.body);
    files.push({
      file: f,
      format: pronomOf(m.mime) ?? { puid: '', label: m.mime ?? 'onbekend', mime: m.mime ?? '' },
      url: m.url,
    });
  }
  const json = `${JSON.stringify({ ...d, organisation: post.organisation, apiRef: post.apiRef, evidence }, null, 2)}\n`;
  files.push({
    file: await c.payload.write(`${dir}/${base}.json`, json),
    format: pronomOf('application/json')!,
  });
  const pdfFile = path.join(c.payload.bag, dir, `${base}.pdf`);
  const hashes = new Map(post.records.map((r) => [r.recordId, r.sha256]));
  await renderPdf(
    pdfFile,
    postNaam(d),
    c.opts.lang,
    (async function* () {
      yield { detail: d, images, recordHashes: hashes };
    })(),
  );
  const pdf = await hashFile(pdfFile);
  files.push({
    file: await c.payload.add(`${dir}/${base}.pdf`, pdf.size, pdf.sha256),
    format: pronomOf('application/pdf')!,
  });
  for (const f of files) {
    const name = path.posix.basename(f.file.rel);
    await c.payload.write(
      `${dir}/${name}.mdto.xml`,
      bestand({
        kenmerk: `${of.kenmerk}/${name}`,
        naam: name,
        bytes: f.file.bytes,
        format: f.format,
        sha256: f.file.sha256,
        at,
        url: f.url,
        of,
      }),
    );
  }
  const xml = informatieobject({
    detail: d,
    archiefvormer: post.organisation ?? c.opts.organisation,
    representaties: files.map((f) => ({
      naam: path.posix.basename(f.file.rel),
      kenmerk: `${of.kenmerk}/${path.posix.basename(f.file.rel)}`,
    })),
    replies: d.replies.map((r) => ({ kenmerk: `post-${r.id}`, naam: r.url })),
    personalData: c.citizen(d.post.author),
    partOf: c.dossier,
  });
  await c.payload.write(`${dir}/${base}.mdto.xml`, xml);
}

/** The bag's WARC, its bestand, and the dossier (the export) that holds the posts and is represented by the WARC. */
async function writeDossier(
  c: PostContext,
  selection: Selection,
  parts: { naam: string; kenmerk: string }[],
  personalData: boolean,
  period: { from: string; to: string } | null,
) {
  const w = await c.warc.writer.close();
  await c.payload.add(BagWarc.REL, w.bytes, w.sha256);
  const name = path.posix.basename(BagWarc.REL);
  const kenmerk = `${c.dossier.kenmerk}/${name}`;
  await c.payload.write(
    `${BagWarc.REL}.mdto.xml`,
    bestand({
      kenmerk,
      naam: name,
      bytes: w.bytes,
      format: pronomOf('application/warc')!,
      sha256: w.sha256,
      at: c.opts.now ?? new Date(),
      of: c.dossier,
    }),
  );
  await c.payload.write(
    'data/dossier.mdto.xml',
    dossier({
      ...c.dossier,
      omschrijving: `Berichten uit Archiefbot (${selection.describe}) met hun versies, reacties, media en WARC-bewijs; elk bericht noemt in zijn JSON de records in ${BagWarc.REL} waarop het steunt.`,
      archiefvormer: c.opts.organisation,
      onderdelen: parts,
      representaties: [{ naam: name, kenmerk }],
      personalData,
      period,
    }),
  );
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
  const resolver = new EvidenceResolver(opts.db, reader);
  const tally = new Tally();
  const government = await governmentHandles(opts.db, selection);
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[-:.]/g, '');
  const c: PostContext = {
    payload,
    warc: new BagWarc(bag),
    reader,
    opts,
    citizen: (h) => h !== null && !government.has(h),
    dossier: { naam: `Archiefbot export: ${selection.describe}`.slice(0, 80), kenmerk: `export-${stamp}` },
  };
  const parts: { naam: string; kenmerk: string }[] = [];
  let personal = false;
  const period = { from: '', to: '' };
  try {
    for await (const post of eachPost(opts.db, selection, (d) => resolver.resolve(d))) {
      await writePost(post, c);
      const d = post.detail;
      parts.push({ naam: postNaam(d), kenmerk: postKenmerk(d).kenmerk });
      personal ||= c.citizen(d.post.author);
      const when = d.post.createdAt ?? d.post.firstSeen;
      if (!period.from || when < period.from) period.from = when;
      if (when > period.to) period.to = when;
      tally.posts++;
      tally.versions += d.versions.length;
      for (const m of d.media) if (m.sha256) tally.media.add(m.sha256);
      opts.onProgress?.(tally.posts, selection.all.length);
    }
    tally.records = c.warc.at.size;
    await writeDossier(c, selection, parts, personal, period.from ? period : null);
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
    renameSync(bag, out);
    return tally.result('bagit', { file: out, sha256: sha256Hex(tagmanifest), bytes: payload.octets });
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
