/**
 * Snippets made in TypeScript (src/store/snippet.ts) against FTS5's own snippet() and tokenizer, on a
 * real archive database built here (the project's migrations, so version_fts as every archive has it):
 * the tokenizer for every code point of the Basic Multilingual Plane and a sample of the others, and the
 * snippet of every matching version of a few hundred texts for the query shapes the store builds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.ts';
import { ftsQuery, search } from '../src/store/queries.ts';
import { queryPhrases, SNIPPET, type SnippetOptions, snippet, tokenize } from '../src/store/snippet.ts';
import { insertVersions, scratchDb, seeded } from './helpers/search-db.ts';

let db: Db;
let close: () => Promise<void>;
let next = 1;

/** Stores texts as versions of new posts; their version ids (the FTS5 rowids), in order. */
async function store(texts: string[]): Promise<number[]> {
  const first = next;
  const posts = texts.map((_, k) => ({ id: first + k }));
  next += texts.length;
  await db.run(
    `INSERT INTO post (id, platform, platform_id, url, kind, created_at, first_seen, last_seen)
     SELECT j.value->>'id', 'mastodon', 'p' || (j.value->>'id'), 'https://e.org/' || (j.value->>'id'), 'post',
            '2025-01-01', '2025-01-01', '2025-01-01'
     FROM json_each(?) j`,
    [JSON.stringify(posts)],
  );
  await insertVersions(
    db,
    texts.map((text, k) => ({ post: first + k, number: 1, text })),
  );
  const rows = await db.all<{ id: number }>('SELECT id FROM version WHERE post_id >= ? ORDER BY post_id', [
    first,
  ]);
  return rows.map((r) => r.id);
}

/** FTS5's snippet() of every version matching `match` among `ids`, and ours. */
async function both(match: string, ids: number[], o: SnippetOptions = SNIPPET) {
  const rows = await db.all<{ text: string; fts: string }>(
    `SELECT v.text, snippet(version_fts, 0, ?2, ?3, ?4, ?5) AS fts
     FROM version_fts f JOIN version v ON v.id = f.rowid
     WHERE version_fts MATCH ?1 AND f.rowid IN (SELECT value FROM json_each(?6)) ORDER BY f.rowid`,
    [match, o.open, o.close, o.ellipsis, o.tokens, JSON.stringify(ids)],
  );
  const phrases = queryPhrases(match);
  return rows.map((r) => ({ text: r.text, fts: r.fts, ours: snippet(r.text, phrases, o) }));
}

/** The one snippet FTS5 gives for `text` (stored anew) and `query` (as the store builds its FTS5 query). */
async function one(text: string, query: string): Promise<{ fts: string; ours: string }> {
  const [row] = await both(ftsQuery(query), await store([text]));
  expect(row, `"${query}" matches "${text}"`).toBeDefined();
  return row!;
}

beforeAll(async () => {
  ({ db, close } = await scratchDb('snippet'));
});

afterAll(async () => {
  await close();
});

describe('the tokenizer, against FTS5 unicode61 remove_diacritics 2', () => {
  /** FTS5's tokens of one stored text (fts5vocab's instance table): term and position. */
  async function ftsTokens(id: number): Promise<string[]> {
    const rows = await db.all<{ term: string }>(
      'SELECT term FROM temp.version_tokens WHERE doc = ? ORDER BY "offset"',
      [id],
    );
    return rows.map((r) => r.term);
  }

  beforeAll(async () => {
    await db.exec('CREATE VIRTUAL TABLE temp.version_tokens USING fts5vocab(main, version_fts, instance)');
  });

  it('splits and folds every code point of the Basic Multilingual Plane as FTS5 does, and a sample beyond', async () => {
    // Each code point between two letters: a token character joins them (folded), a separator splits.
    const points: number[] = [];
    for (let c = 1; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) points.push(c);
    for (let c = 0x10000; c <= 0x10ffff; c += 97) points.push(c);
    points.push(0x1f600, 0x1f972, 0x1fae0, 0x10400, 0x10427);
    const texts: string[] = [];
    for (let i = 0; i < points.length; i += 2000)
      texts.push(
        points
          .slice(i, i + 2000)
          .map((c) => `q${String.fromCodePoint(c)}z`)
          .join(' '),
      );
    const ids = await store(texts);
    for (const [k, id] of ids.entries()) {
      const ours = tokenize(texts[k]!).term;
      const theirs = await ftsTokens(id);
      expect(ours).toEqual(theirs);
    }
  });

  it('folds case and diacritics, keeps combining accents inside a word, and reports where each token is', () => {
    const t = tokenize('De MINISTÉRIE, e\u0301n Coördinatie: café-reünie 2025! 🫠ok');
    expect(t.term).toEqual(['de', 'ministerie', 'en', 'coordinatie', 'cafe', 'reunie', '2025', '🫠ok']);
    expect(
      t.start.map((s, k) => 'De MINISTÉRIE, e\u0301n Coördinatie: café-reünie 2025! 🫠ok'.slice(s, t.end[k])),
    ).toEqual(['De', 'MINISTÉRIE', 'e\u0301n', 'Coördinatie', 'café', 'reünie', '2025', '🫠ok']);
  });
});

describe('the query: phrases as FTS5 parses them', () => {
  it('reads words, phrases, prefixes, OR and the spelled-out prefix', () => {
    expect(queryPhrases(ftsQuery('Kabinet "tweede kamer" minister* OR ministérie'))).toEqual([
      { terms: ['kabinet'], prefix: false, initial: false },
      { terms: ['tweede', 'kamer'], prefix: false, initial: false },
      { terms: ['minister'], prefix: true, initial: false },
      { terms: ['ministerie'], prefix: false, initial: false },
    ]);
    expect(queryPhrases('("minister" OR "ministerie") AND "kabinet"').map((p) => p.terms)).toEqual([
      ['minister'],
      ['ministerie'],
      ['kabinet'],
    ]);
    // A quoted word with punctuation is a phrase of its tokens; a phrase of none is left out.
    expect(queryPhrases('"don\'t" "!!" "a"" b"').map((p) => p.terms)).toEqual([
      ['don', 't'],
      ['a', 'b'],
    ]);
    expect(
      queryPhrases('text: kabinet NOT asiel + zoeker ^eerste NEAR(a b, 10)').map((p) => p.terms),
    ).toEqual([['kabinet'], ['asiel', 'zoeker'], ['eerste'], ['a'], ['b']]);
  });
});

describe('snippets, the same as snippet(version_fts, 0, «, », …, 16)', () => {
  const cases: [string, string, string][] = [
    ['diacritics', 'De ministérie van Financiën geeft een reactie.', 'ministerie financien'],
    ['prefix', 'Ministers en het ministerie: de ministerraad besluit.', 'minister*'],
    ['phrase', 'In de Tweede Kamer sprak de tweede spreker over de kamer.', '"tweede kamer"'],
    ['case', 'KABINET valt; het Kabinet en het kabinet.', 'kabinet'],
    ['punctuation', '(kabinet)! "asiel"... #stikstof, @minister: https://e.org/kabinet?x=1', 'kabinet asiel'],
    [
      'a term at the start',
      'Asiel is het onderwerp van dit bericht over heel veel andere dingen die er ook nog bij komen kijken vandaag en morgen.',
      'asiel',
    ],
    [
      'a term at the end',
      'Dit bericht gaat over heel veel andere dingen die er ook nog bij komen kijken vandaag en morgen, en ten slotte over stikstof.',
      'stikstof',
    ],
    ['shorter than the window', 'Kort: stikstof.', 'stikstof'],
    [
      'the window where most terms are',
      'Kabinet zegt iets. Daarna een heel lang stuk tekst zonder de woorden waar het om gaat, echt heel lang. Kabinet en asiel en stikstof samen hier.',
      'kabinet asiel stikstof',
    ],
    ['OR', 'Over asiel gaat het, en niet over stikstof of wat dan ook anders dan dat.', 'asiel OR stikstof'],
    ['adjacent matches', 'Nummer 77 is de winnaar van vandaag', 'nummer 77'],
  ];
  for (const [name, text, query] of cases)
    it(name, async () => {
      const { fts, ours } = await one(text, query);
      expect(ours).toBe(fts);
      expect(ours).toMatch(/«/);
    });

  it('marks what FTS5 marks: a phrase as one, a prefix on whole words, a cut with …', async () => {
    expect((await one('In de Tweede Kamer.', '"tweede kamer"')).ours).toBe('In de «Tweede Kamer».');
    expect((await one('Het ministerie en de Minister.', 'minister*')).ours).toBe(
      'Het «ministerie» en de «Minister».',
    );
    expect((await one('Nummer 77 is het', 'nummer 77')).ours).toBe('«Nummer» «77» is het');
    const long = `${'woord '.repeat(30)}stikstof ${'woord '.repeat(30)}`.trim();
    expect((await one(long, 'stikstof')).ours).toBe(`…${'woord '.repeat(7)}«stikstof»${' woord'.repeat(8)}…`);
  });

  it('matches snippet() for every matching version of a few hundred texts, each query shape the store builds', async () => {
    const rnd = seeded(16);
    const words = [
      'de',
      'het',
      'kabinet',
      'Kabinet',
      'minister',
      'Minister',
      'ministerie',
      'ministérie',
      'ministerraad',
      'tweede',
      'Tweede',
      'kamer',
      'Kamer',
      'asiel',
      'stikstof',
      'coördinatie',
      'financiële',
      'reünie',
      'café',
      'e\u0301e\u0301n',
      '2025',
      '#stikstof',
      '@minister',
      'https://e.org/a?b=kabinet',
      'ÉÉN',
      '🙂',
      'ok🫠',
    ];
    const seps = [' ', ' ', ' ', ' ', ', ', '. ', ': ', '! ', ' - ', '\n', '.\n\n', ' (', ') ', '...', '"'];
    const texts = Array.from({ length: 400 }, () => {
      const n = 1 + Math.floor(rnd() ** 1.5 * 70);
      let t = rnd() < 0.2 ? '“' : '';
      for (let k = 0; k < n; k++)
        t += words[Math.floor(rnd() ** 1.7 * words.length)]! + seps[Math.floor(rnd() * seps.length)]!;
      return rnd() < 0.5 ? t.trim() : t;
    });
    const ids = await store(texts);
    const queries = [
      'kabinet',
      'tweede kamer',
      '"tweede kamer"',
      'minister*',
      'ministérie',
      'kabinet OR asiel',
      'stikstof asiel kabinet',
      '"kamer kabinet" de',
      'coördinatie*',
      'een',
      '"de tweede"*',
    ];
    let compared = 0;
    for (const q of queries)
      for (const o of [
        SNIPPET,
        { ...SNIPPET, tokens: 5 },
        { open: '[', close: ']', ellipsis: '...', tokens: 40 },
      ]) {
        for (const r of await both(ftsQuery(q), ids, o)) {
          expect({ q, text: r.text, snippet: r.ours }).toEqual({ q, text: r.text, snippet: r.fts });
          compared++;
        }
      }
    // The spelled-out prefix newest-first search hands FTS5.
    for (const r of await both('("minister" OR "ministerie" OR "ministerraad") AND "kabinet"', ids)) {
      expect(r.ours).toBe(r.fts);
      compared++;
    }
    expect(compared).toBeGreaterThan(1500);
  });

  it("search() by relevance shows each hit's snippet as snippet() gives it for that version", async () => {
    for (const q of ['kabinet', 'minister*', '"tweede kamer"', 'kabinet OR asiel', 'ministérie']) {
      const page = await search(db, q, { sort: 'relevance', limit: 100 });
      expect(page.hits.length, q).toBeGreaterThan(0);
      for (const h of page.hits) {
        const row = await db.get<{ fts: string }>(
          `SELECT snippet(version_fts, 0, '«', '»', '…', 16) AS fts FROM version_fts
           WHERE version_fts MATCH ? AND rowid = (SELECT id FROM version WHERE post_id = ? AND number = ?)`,
          [ftsQuery(q), h.id, h.version],
        );
        expect(h.snippet, q).toBe(row!.fts.replace(/\s+/g, ' ').trim());
      }
    }
  });
});
