/**
 * Woo export (issue 13): one PDF whose extracted text (pdftotext, poppler-utils) holds every version's
 * text and no citizen's name, handle, telephone number or e-mail address; an inventory (CSV and JSON)
 * with one row per post and the decision columns empty; the redactions listed with their Woo ground;
 * and `--no-redact` for internal use, which says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../src/export/redact.ts';
import type { PostDetail } from '../src/store/queries.ts';
import { cli } from './helpers/cli.ts';
import { type Captured, capturedAccount, readZip, type ZipItem } from './helpers/export.ts';

let c: Captured;
let work: string;

function pdfText(pdf: Buffer): string {
  const file = path.join(work, `doc-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/\s+/g, ' ');
}

async function woo(...extra: string[]) {
  const out = path.join(work, `woo-${extra.join('') || 'redacted'}.zip`);
  const r = await cli(c.env.env, 'export', 'rvo', '--format', 'woo', '--out', out, '--json', ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { json: r.json, zip: await readZip(out) };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'archiefbot-woo-'));
  c = await capturedAccount();
}, 60_000);
afterAll(async () => {
  await c?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('export --format woo', () => {
  let zip: Map<string, ZipItem>;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON
  let json: any;
  let text: string;
  beforeAll(async () => {
    ({ json, zip } = await woo());
    text = pdfText(zip.get('document.pdf')!.data);
  });

  it('hands over one PDF, the inventory as CSV and JSON, and the redaction log', () => {
    expect([...zip.keys()].sort()).toEqual([
      'document.pdf',
      'inventaris.csv',
      'inventaris.json',
      'lakverantwoording.csv',
    ]);
    expect(json).toMatchObject({ format: 'woo', posts: 4, versions: 5 });
  });

  it('puts every version’s text in the PDF, with the word diff, time, account, method and hashes', () => {
    expect(text).toContain('Subsidieregeling energiebesparing geopend');
    expect(text).toContain('Subsidieregeling energiebesparing gesloten');
    expect(text).toContain('energiebesparing [-geopend-]{+gesloten+}');
    for (const p of c.posts) expect(text).toContain(p.text);
    expect(text).toContain('rvo@');
    expect(text).toMatch(/Capture method: api/);
    expect(text).toMatch(/Content hash \(SHA-256\): [0-9a-f]{64}/);
  });

  it('redacts the citizen: no name, handle, telephone number or e-mail address, one pseudonym throughout', () => {
    for (const secret of ['Jan Jansen', 'janjansen', '06-12345678', 'jan.jansen@example.org']) {
      expect(text).not.toContain(secret);
      for (const f of ['inventaris.csv', 'inventaris.json'])
        expect(zip.get(f)!.data.toString()).not.toContain(secret);
    }
    expect(text).toContain('[burger 1]');
    expect(text).not.toContain('[burger 2]');
    expect(text).toContain('Ik heb een vraag, bel me op [telefoonnummer] of mail [e-mailadres]');
    const log = parse(zip.get('lakverantwoording.csv')!.data, { columns: true }) as Record<string, string>[];
    expect(log.length).toBeGreaterThan(0);
    for (const row of log) expect(row.grond).toContain('art. 5.1 lid 2 sub e Woo');
    expect(new Set(log.map((r) => r.soort))).toEqual(
      new Set(['account', 'url', 'telefoonnummer', 'e-mailadres']),
    );
  });

  it('lists one inventory row per post, decision columns empty for the officer', () => {
    const rows = parse(zip.get('inventaris.csv')!.data, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(json.posts);
    expect(Object.keys(rows[0]!)).toEqual([
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
    ]);
    expect(rows.map((r) => r.nummer)).toEqual(['1', '2', '3', '4']);
    for (const r of rows) expect([r.besluit, r.weigeringsgrond, r.toelichting]).toEqual(['', '', '']);
    expect(rows.find((r) => r.url === c.posts[0]!.url)).toMatchObject({ status: 'edited', versies: '2' });
    expect(rows.filter((r) => r.account === '[burger 1]')).toHaveLength(1);
    expect(JSON.parse(zip.get('inventaris.json')!.data.toString())).toEqual(
      rows.map((r) => ({
        ...r,
        nummer: Number(r.nummer),
        versies: Number(r.versies),
        reacties: Number(r.reacties),
      })),
    );
  });
});

describe('export --format woo --no-redact', () => {
  it('leaves the names in for internal use and says so on the first page', async () => {
    const { zip } = await woo('--no-redact');
    const text = pdfText(zip.get('document.pdf')!.data);
    expect(text).toContain('NOT redacted');
    expect(text).toContain('janjansen');
    expect(text).toContain('06-12345678');
    expect(zip.get('lakverantwoording.csv')!.data.toString().trim().split('\n')).toHaveLength(1);
  });
});

describe('the redactor', () => {
  it('names a citizen by one pseudonym wherever a government post mentions them, and leaves the government alone', () => {
    const r = new Redactor(new Set(['minbzk@social.example']));
    r.know('jan@social.example', 'Jan Jansen');
    r.know('piet@other.example', 'Piet Pietersen');
    r.know('minbzk@social.example', 'Ministerie van BZK');
    const detail = {
      post: {
        id: 7,
        author: 'minbzk@social.example',
        authorName: 'Ministerie van BZK',
        authorUrl: 'https://social.example/@minbzk',
        url: 'https://social.example/@minbzk/7',
        text: '@jan Dank u, Jan Jansen. Zie ook https://social.example/@jan/5 en vraag @piet@other.example.',
        parent: null,
      },
      versions: [{ number: 1, text: '@jan Dank u, Jan Jansen.', title: null, spoilerText: '' }],
      replies: [
        {
          id: 8,
          author: 'piet@other.example',
          url: 'https://other.example/@piet/8',
          text: 'Mail me: piet@example.org',
        },
      ],
      media: [],
    } as unknown as PostDetail;
    const out = r.redact(detail);
    expect(out.post.author).toBe('minbzk@social.example');
    expect(out.post.text).toBe('[burger 1] Dank u, [burger 1]. Zie ook [burger 1] en vraag [burger 2].');
    expect(out.versions[0]!.text).toBe('[burger 1] Dank u, [burger 1].');
    expect(out.replies[0]).toMatchObject({ author: '[burger 2]', text: 'Mail me: [e-mailadres]' });
    // The original is untouched; the log names kinds and grounds, never the values.
    expect(detail.post.text).toContain('Jan Jansen');
    expect(JSON.stringify(r.log)).not.toMatch(/Jansen|piet@example/);
    expect(r.log.every((l) => l.ground.includes('art. 5.1 lid 2 sub e Woo'))).toBe(true);
  });
});
