/**
 * BagIt + MDTO export (issue 13). The bag is checked twice: by `archiefbot export --verify` and by the
 * RFC 8493 checks written out again here, independently (Debian packages no BagIt validator); every
 * MDTO file validates against the Nationaal Archief's XSD 1.0.2 with xmllint; and damaged bags
 * (changed, missing and extra payload files, a wrong Payload-Oxum, a byte-order mark, a changed tag
 * file) are refused with the damage named.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, withArchive } from './helpers/archive.ts';
import { cli } from './helpers/cli.ts';
import { type Captured, capturedAccount } from './helpers/export.ts';

const XSD = path.resolve('docs/reference/mdto/MDTO-XML1.0.2.xsd');
let c: Captured;
let work: string;
let bag: string;
// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON
let result: any;

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(path.join(dir, e.name), base)
      : [path.relative(base, path.join(dir, e.name)).split(path.sep).join('/')],
  );
}

/** RFC 8493's checks, written independently of src/export/bagit-verify.ts. */
function rfcProblems(dir: string): string[] {
  const problems: string[] = [];
  const bagit = readFileSync(path.join(dir, 'bagit.txt'), 'utf8');
  if (bagit !== 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n') problems.push('bagit.txt');
  const manifest = (name: string) =>
    new Map(
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [sum, ...rest] = l.split(/\s+/);
          return [rest.join(' '), sum!] as const;
        }),
    );
  const payload = manifest('manifest-sha256.txt');
  const onDisk = files(path.join(dir, 'data'), dir);
  if ([...payload.keys()].sort().join('\n') !== [...onDisk].sort().join('\n')) problems.push('completeness');
  for (const [p, sum] of payload) if (sha256(readFileSync(path.join(dir, p))) !== sum) problems.push(p);
  const info = readFileSync(path.join(dir, 'bag-info.txt'), 'utf8');
  const oxum = /^Payload-Oxum: (\d+)\.(\d+)$/m.exec(info);
  const bytes = onDisk.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  if (!oxum || Number(oxum[1]) !== bytes || Number(oxum[2]) !== onDisk.length) problems.push('Payload-Oxum');
  const tags = manifest('tagmanifest-sha256.txt');
  for (const t of ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt'])
    if (tags.get(t) !== sha256(readFileSync(path.join(dir, t)))) problems.push(`tag ${t}`);
  return problems;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'archiefbot-bag-'));
  c = await capturedAccount();
  // The first post appraised V with a ten-year term (as an archivist's decision would set it).
  await withArchive(c.env.dataDir, (a) =>
    a.db.run(
      `UPDATE appraisal SET valuation = 'V', term_years = 10, rule = 'test', reason = 'tijdelijk'
       WHERE post_id = (SELECT id FROM post WHERE url = ?)`,
      [c.posts[0]!.url],
    ),
  );
  bag = path.join(work, 'bag');
  const r = await cli(c.env.env, 'export', 'rvo', '--format', 'bagit', '--out', bag, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  result = r.json;
}, 60_000);
afterAll(async () => {
  await c?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('export --format bagit', () => {
  it('writes a bag that RFC 8493’s checks accept, and says so with export --verify', async () => {
    expect(result).toMatchObject({ format: 'bagit', file: bag, posts: 4, versions: 5, media: 1 });
    expect(result.sha256).toBe(sha256(readFileSync(path.join(bag, 'tagmanifest-sha256.txt'))));
    expect(rfcProblems(bag)).toEqual([]);
    const v = await cli(c.env.env, 'export', '--verify', bag, '--json');
    expect(v.code).toBe(0);
    expect(v.json).toMatchObject({ ok: true, problems: [] });
    const info = readFileSync(path.join(bag, 'bag-info.txt'), 'utf8');
    for (const label of [
      'Source-Organization',
      'Bagging-Date',
      'Payload-Oxum',
      'External-Identifier',
      'Bag-Size',
    ])
      expect(info).toMatch(new RegExp(`^${label}: \\S`, 'm'));
  });

  it('holds the dossier, one WARC of every record, and per post its informatieobject, JSON, PDF and media', () => {
    const all = files(bag);
    expect(all).toContain('data/dossier.mdto.xml');
    expect(all).toContain('data/warc/archive.warc.gz');
    expect(all).toContain('data/warc/archive.warc.gz.mdto.xml');
    const postDirs = [...new Set(all.filter((f) => f.startsWith('data/posts/')).map((f) => f.split('/')[2]))];
    expect(postDirs).toHaveLength(4);
    for (const id of postDirs) {
      for (const ext of ['mdto.xml', 'json', 'pdf', 'json.mdto.xml', 'pdf.mdto.xml'])
        expect(all).toContain(`data/posts/${id}/post-${id}.${ext}`);
    }
    const media = all.filter((f) => f.includes('/media/'));
    expect(media).toHaveLength(1);
    expect(all).toContain(`${media[0]}.mdto.xml`.replace('/media/', '/'));
    const dossier = readFileSync(path.join(bag, 'data/dossier.mdto.xml'), 'utf8');
    expect(dossier.match(/<bevatOnderdeel>/g)).toHaveLength(4);
    expect(dossier).toContain('<begripLabel>Dossier</begripLabel>');
  });

  it('copies each record once into the bag’s WARC, byte for byte, and each post names where its evidence is', async () => {
    const warc = readFileSync(path.join(bag, 'data/warc/archive.warc.gz'));
    const kept = new Set(
      (
        await withArchive(c.env.dataDir, (a) =>
          a.db.all<{ h: string }>('SELECT warc_sha256 AS h FROM capture_record'),
        )
      ).map((r) => r.h),
    );
    let n = 0;
    for (const f of files(bag).filter((x) => /post-\d+\.json$/.test(x))) {
      const post = JSON.parse(readFileSync(path.join(bag, f), 'utf8'));
      expect(post.evidence.length).toBeGreaterThan(0);
      for (const e of post.evidence) {
        const member = warc.subarray(e.offset, e.offset + e.length);
        expect(sha256(member)).toBe(e.sha256);
        expect(kept.has(e.sha256)).toBe(true);
        n++;
      }
      // Each version's own metadata record is among its evidence.
      for (const v of post.versions)
        expect(post.evidence.map((e: { recordId: string }) => e.recordId)).toContain(v.evidence.recordId);
    }
    expect(n).toBeGreaterThanOrEqual(result.records);
  });

  it('validates every MDTO file against the XSD 1.0.2 with xmllint', () => {
    const xml = files(bag).filter((f) => f.endsWith('.mdto.xml'));
    expect(xml.length).toBe(4 * 3 + 1 + 2);
    const out = execFileSync('xmllint', ['--noout', '--schema', XSD, ...xml.map((f) => path.join(bag, f))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.toString()).toBe('');
  });

  it('maps each post onto MDTO: versions as events, replies related, appraisal, archiefvormer, personal data restricted', () => {
    const xmlOf = (url: string) => {
      const json = files(bag).find(
        (f) => f.endsWith('.json') && readFileSync(path.join(bag, f), 'utf8').includes(`"url": "${url}"`),
      );
      return readFileSync(path.join(bag, json!.replace(/\.json$/, '.mdto.xml')), 'utf8');
    };
    const edited = xmlOf(c.posts[0]!.url);
    expect(edited.match(/<eventType><begripLabel>Wijziging</g)).toHaveLength(1);
    expect(edited).toContain('<begripLabel>Tijdelijk te bewaren</begripLabel><begripCode>V</begripCode>');
    expect(edited).toContain('<termijnLooptijd>P10Y</termijnLooptijd>');
    expect(edited).toContain('<archiefvormer><verwijzingNaam>');
    expect(edited).toContain('<begripLabel>Openbaar</begripLabel>');
    const withReply = xmlOf(c.posts[2]!.url);
    expect(withReply).toContain('<gerelateerdInformatieobject>');
    expect(withReply).toContain('<begripLabel>Reactie</begripLabel>');
    const reply = files(bag)
      .filter((f) => /post-\d+\.mdto\.xml$/.test(f))
      .map((f) => readFileSync(path.join(bag, f), 'utf8'))
      .find((x) => x.includes('<begripLabel>Reactie op</begripLabel>'))!;
    expect(reply).toContain('Persoonsgegevens (AVG)');
    expect(reply).toContain('art. 5.1 lid 2 sub e Woo');
  });

  it('describes each file with its size, PRONOM format and SHA-256', () => {
    for (const f of files(bag).filter((x) => /\.(warc\.gz|json|pdf|png)\.mdto\.xml$/.test(x))) {
      const xml = readFileSync(path.join(bag, f), 'utf8');
      const name = /<naam>([^<]+)<\/naam>/.exec(xml)![1]!;
      const dir = path.dirname(path.join(bag, f));
      const target = name.endsWith('.png') ? path.join(dir, 'media', name) : path.join(dir, name);
      const bytes = readFileSync(target);
      expect(xml).toContain(`<omvang>${bytes.length}</omvang>`);
      expect(xml).toContain(`<checksumWaarde>${sha256(bytes)}</checksumWaarde>`);
      const puid = { 'warc.gz': 'fmt/1281', json: 'fmt/817', pdf: 'fmt/276', png: 'fmt/13' }[
        name.endsWith('.warc.gz') ? 'warc.gz' : name.split('.').pop()!
      ];
      expect(xml).toContain(`<begripCode>${puid}</begripCode>`);
      expect(xml).toContain('<verwijzingNaam>PRONOM-register</verwijzingNaam>');
    }
  });
});

describe('export --verify on a damaged bag', () => {
  async function damaged(alter: (dir: string) => void): Promise<{ code: number; problems: string[] }> {
    const dir = mkdtempSync(path.join(work, 'damaged-'));
    cpSync(bag, dir, { recursive: true });
    alter(dir);
    const r = await cli(c.env.env, 'export', '--verify', dir, '--json');
    return { code: r.code, problems: r.json?.problems ?? [] };
  }
  const aPayloadFile = (dir: string) => files(dir).find((f) => f.endsWith('.json'))!;

  it('names a changed payload file', async () => {
    let changed = '';
    const r = await damaged((dir) => {
      changed = aPayloadFile(dir);
      appendFileSync(path.join(dir, changed), ' ');
    });
    expect(r.code).toBe(1);
    expect(r.problems.join('\n')).toContain(`${changed}: its checksum does not match manifest-sha256.txt`);
  });

  it('names a missing and an unlisted payload file', async () => {
    let gone = '';
    const r = await damaged((dir) => {
      gone = aPayloadFile(dir);
      unlinkSync(path.join(dir, gone));
      writeFileSync(path.join(dir, 'data', 'extra.txt'), 'not listed');
    });
    expect(r.code).toBe(1);
    const text = r.problems.join('\n');
    expect(text).toContain(`${gone} is listed in manifest-sha256.txt but missing`);
    expect(text).toContain('data/extra.txt is in data/ but not in manifest-sha256.txt');
  });

  it('refuses a wrong Payload-Oxum, a byte-order mark in bagit.txt and a changed tag file', async () => {
    const r = await damaged((dir) => {
      const info = path.join(dir, 'bag-info.txt');
      writeFileSync(info, readFileSync(info, 'utf8').replace(/Payload-Oxum: \d+/, 'Payload-Oxum: 1'));
      const bagit = path.join(dir, 'bagit.txt');
      writeFileSync(bagit, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(bagit)]));
    });
    expect(r.code).toBe(1);
    const text = r.problems.join('\n');
    expect(text).toContain('Payload-Oxum says 1 bytes');
    expect(text).toContain('bagit.txt must not contain a byte-order mark');
    expect(text).toContain('bag-info.txt: its checksum does not match tagmanifest-sha256.txt');
  });
});
