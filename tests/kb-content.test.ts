import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildContent, content, RULE_IDS } from '../src/kb/content.ts';
import { RULES } from '../src/kb/rules.ts';
import { editDistance, fold, splitCompound, stem, words } from '../src/kb/text.ts';

const framework = readFileSync(new URL('../docs/reference/legal-framework.md', import.meta.url), 'utf8');

describe('the guidance content', () => {
  const { entries, sources } = content();

  it('covers every topic the issue lists, one entry per topic', () => {
    const topics = [
      'archiefbescheid',
      'woo-document',
      'corporate-accounts',
      'bewindspersonen',
      'private-accounts',
      'hybrid-accounts',
      'civil-servants',
      'webcare',
      'third-party-comments',
      'direct-messages',
      'chat-regime',
      'stories',
      'likes-reposts',
      'profile-information',
      'edited-posts',
      'deleted-posts',
      'deletion',
      'avg-archiving',
      'avg-erasure',
      'woo-requests-holds',
      'selection-retention',
      'no-rijk-wide-term',
      'hotspots',
      'transfer',
      'new-archiefwet',
      'warc',
      'mdto',
      'topx-edepot',
      'capture-methods',
      'rddi-project',
      'bouwblokken',
      'pilots',
      'inspectie-findings',
      'na-handreiking',
    ];
    const ids = entries.map((e) => e.id);
    for (const t of topics) expect(ids, t).toContain(t);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has every entry in Dutch and English, with a legal basis and at least one https source', () => {
    for (const e of entries) {
      expect(e.title.nl.length, e.id).toBeGreaterThan(3);
      expect(e.title.en.length, e.id).toBeGreaterThan(3);
      expect(e.answer.nl.length, e.id).toBeGreaterThan(80);
      expect(e.answer.en.length, e.id).toBeGreaterThan(80);
      expect(e.answer.nl, `${e.id} nl and en differ`).not.toBe(e.answer.en);
      expect(e.basis.length, e.id).toBeGreaterThan(2);
      expect(e.sources.length, e.id).toBeGreaterThan(0);
      for (const s of e.sources) expect(s.url, e.id).toMatch(/^https?:\/\//);
      for (const r of e.rules) expect(RULE_IDS, e.id).toContain(r);
    }
  });

  it('takes every source URL from the legal framework (no invented sources)', () => {
    // Primary law is cited in the canonical forms of the framework's §8: an article of an act the
    // framework names by its BWB id (or one of the two acts it cites by title, their ids checked on
    // wetten.overheid.nl: Grondwet, Awb), a ruling by an ECLI the framework names, the AVG on EUR-Lex.
    const bwb = new Set(
      [...framework.matchAll(/BWBR\d{7}/g)].map((m) => m[0]).concat(['BWBR0001840', 'BWBR0005537']),
    );
    const primary = (url: string): boolean => {
      const law = /^https:\/\/wetten\.overheid\.nl\/(?:jci1\.3:c:)?(BWBR\d{7})(?:&artikel=[\d.:a-z]+)?$/.exec(
        url,
      );
      if (law) return bwb.has(law[1]!);
      const ecli =
        /^https:\/\/deeplink\.rechtspraak\.nl\/uitspraak\?id=(ECLI:[A-Z]{2}:[A-Z]+:\d{4}:\d+)$/.exec(url);
      if (ecli) return framework.includes(ecli[1]!);
      return false;
    };
    for (const [id, s] of Object.entries(sources))
      if (!primary(s.url)) expect(framework, `${id}: ${s.url}`).toContain(s.url);
  });

  it('defines R1–R18, each with sources that resolve', () => {
    expect(Object.keys(RULES).sort()).toEqual([...RULE_IDS].sort());
    for (const [id, r] of Object.entries(RULES)) {
      expect(r.sources.length, id).toBeGreaterThan(0);
      for (const s of r.sources) expect(sources[s], `${id} cites ${s}`).toBeDefined();
    }
  });

  it('says so in the answer text when an entry rests on an inference', () => {
    for (const e of entries.filter((x) => x.inference)) {
      expect(e.answer.nl, e.id).toMatch(/afleiding|analogie/);
      expect(e.answer.en, e.id).toMatch(/inference|analogy/);
    }
  });

  it('rejects invalid content with every problem named', () => {
    const good = {
      id: 'x',
      title: { nl: 'Titel', en: 'Title' },
      basis: 'b',
      inference: false,
      sources: ['s1'],
      answer: { nl: 'antwoord', en: 'answer' },
    };
    expect(() =>
      buildContent({ s1: { title: 'S', url: 'https://example.org' } }, [{ file: 'f', data: [good] }]),
    ).not.toThrow();
    const bad = () =>
      buildContent({ s1: { title: 'S', url: 'https://example.org' } }, [
        {
          file: 'f.yaml',
          data: [
            { ...good, sources: ['nope'] },
            { ...good, id: 'y', answer: { nl: 'alleen nl' } },
            { ...good, id: 'z', rules: ['R99'] },
            good,
            good,
          ],
        },
      ]);
    expect(bad).toThrow(/unknown source id nope/);
    expect(bad).toThrow(/\(y\): answer.en/);
    expect(bad).toThrow(/unknown rule R99/);
    expect(bad).toThrow(/duplicate entry id x/);
  });
});

describe('text handling', () => {
  it('folds case, diacritics and quotes and splits words', () => {
    expect(fold('Privé-Account’s')).toBe("prive-account's");
    expect(words(fold('Privé-account van de Minister'))).toEqual([
      'prive',
      'account',
      'van',
      'de',
      'minister',
    ]);
    expect(words(fold('22.000 berichten, art. 2.4'))).toEqual(['22.000', 'berichten', 'art', '2.4']);
  });

  it('stems Dutch and English inflections to the same key', () => {
    const same = [
      ['archiveren', 'archiveer', 'gearchiveerd'],
      ['bewaren', 'bewaard', 'bewaart', 'bewaar'],
      ['berichten', 'bericht'],
      ['posts', 'post'],
      ['replies', 'reply'],
      ['archive', 'archived', 'archiving', 'archives'],
      ['likes', 'like'],
      ['reacties', 'reactie'],
      ['selectielijsten', 'selectielijst'],
    ];
    for (const group of same) expect(new Set(group.map(stem)).size, group.join(',')).toBe(1);
    // the form that carries the meaning stays apart: an intent and a state
    expect(stem('verwijderen')).not.toBe(stem('verwijderd'));
  });

  it('measures edit distance with transpositions, and stops early past the limit', () => {
    expect(editDistance('acount', 'account', 2)).toBe(1);
    expect(editDistance('berigten', 'berichten', 2)).toBe(2);
    expect(editDistance('archiefbot', 'archeifbot', 2)).toBe(1);
    expect(editDistance('laptop', 'account', 2)).toBe(3);
  });

  it('splits Dutch compounds into known parts, with linking s', () => {
    const known = (w: string) => ['facebook', 'pagina', 'kabinet', 'wissel', 'vakantie', 'foto'].includes(w);
    expect(splitCompound('facebookpagina', known)).toEqual(['facebook', 'pagina']);
    expect(splitCompound('kabinetswissel', known)).toEqual(['kabinet', 'wissel']);
    expect(splitCompound('vakantiefoto', known)).toEqual(['vakantie', 'foto']);
    expect(splitCompound('belastingaangifte', known)).toBeNull();
  });
});
