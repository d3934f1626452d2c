/**
 * The factual side of the knowledge base (issue 15): which guidance entry answers a factual question, and
 * when a question lies outside the knowledge base. Each test is a mechanism, tried on made-up phrasings
 * that are not in the eval sets.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/kb/analyse.ts';
import { ask, genericStems } from '../src/kb/answer.ts';
import {
  askedNoun,
  asksForThing,
  definitionSubject,
  index,
  queryTerms,
  rank,
  rankInfo,
  terms,
} from '../src/kb/retrieve.ts';

const topEntry = (q: string) => {
  const hit = rankInfo(index(), queryTerms(analyse(q)), genericStems())[0];
  return hit?.doc.kind === 'entry' ? hit.doc.entry.id : undefined;
};

describe('concept-driven query expansion', () => {
  it('expands a question that names a topic concept with the topic’s vocabulary, weighing as one named topic', () => {
    const q = queryTerms(
      analyse('Wanneer worden de tweets van het waterschap overgedragen aan de archiefbewaarplaats?'),
    );
    expect(q.has('overbreng')).toBe(true);
    expect(q.has('transfer')).toBe(true);
    const expanded = [...q].filter(([, w]) => w < 1);
    expect(expanded.length).toBeGreaterThan(2);
    expect(expanded.reduce((s, [, w]) => s + w, 0)).toBeCloseTo(2, 5);
  });

  it('finds the transfer entry whatever the question calls the transfer', () => {
    for (const q of [
      'Na hoeveel tijd moet de provincie haar blijvende socialemedia-archief overbrengen?',
      'When must a ministry hand its permanent records over to the Nationaal Archief?',
    ]) {
      const a = ask(q);
      expect(a.verdict, q).toBe('info');
      expect(a.entries, q).toEqual(['transfer']);
      expect(a.answer, q).toMatch(/20/);
    }
  });

  it('does not expand a question that names no topic concept', () => {
    const q = queryTerms(analyse('Wat is een hotspot?'));
    expect([...q.values()].every((w) => w >= 1)).toBe(true);
  });
});

describe('the noun a question asks for', () => {
  it('is the first content word after welk(e)/which/what near a sentence start, also after a preposition phrase', () => {
    const a = analyse('Volgens welke richtlijn leveren we de captures aan?');
    expect(a.tokens[askedNoun(a)]?.raw).toBe('richtlijn');
    const b = analyse('What metadata belongs with a harvested thread?');
    expect(b.tokens[askedNoun(b)]?.raw).toBe('metadata');
    expect(askedNoun(analyse('De minister tweette. Moet dat bewaard?'))).toBe(-1);
  });

  it('counts double when an entry is about it (a one-word keyword), not when it only names the kind of answer', () => {
    expect(queryTerms(analyse('Which metadata do we deliver with the captures?')).get('metadata')).toBe(2);
    expect(queryTerms(analyse('Volgens welke wet moeten archieven geordend zijn?')).get('wet')).toBe(1);
  });

  it('leads to the entry on that noun rather than the one on another topic the question names', () => {
    expect(
      topEntry('Welk bestandsformaat gebruiken we voor de webcaptures die naar het Nationaal Archief gaan?'),
    ).toBe('warc');
    expect(topEntry('Which metadata standard do we follow when the captures are transferred?')).toBe('mdto');
  });
});

describe('entry keywords as declared topics', () => {
  it('ranks the entry whose keyword the question uses in its own words first', () => {
    expect(topEntry('Volgens welke wet moeten archieven geordend zijn?')).toBe('zorgplicht');
    expect(topEntry('Which act requires records to be kept in good order?')).toBe('zorgplicht');
  });

  it('ranks by the bonus but keeps the plain BM25 score, which decides whether to answer at all', () => {
    const hits = rankInfo(
      index(),
      queryTerms(analyse('Which act requires records to be kept in good order?')),
      genericStems(),
    );
    const plain = rank(index(), queryTerms(analyse('Which act requires records to be kept in good order?')));
    const z = (hs: typeof hits) => hs.find((h) => h.doc.kind === 'entry' && h.doc.entry.id === 'zorgplicht')!;
    expect(z(hits).score).toBeCloseTo(z(plain).score, 5);
    expect(hits[0]).toBe(z(hits));
    expect(z(hits).rankScore).toBeDefined();
  });

  it('gives no keyword bonus for generic words or for expansion terms', () => {
    const idx = index();
    const score = (hits: ReturnType<typeof rank>, id: string) => {
      const h = hits.find((x) => x.doc.kind === 'entry' && x.doc.entry.id === id);
      return h?.rankScore ?? h?.score ?? 0;
    };
    // expansion terms (weight below 1) are keywords of the transfer entry: no bonus
    const expanded = new Map([
      ['overbreng', 0.5],
      ['transfer', 0.5],
    ]);
    expect(score(rankInfo(idx, expanded, genericStems()), 'transfer')).toBeCloseTo(
      score(rank(idx, expanded), 'transfer'),
      5,
    );
    // a generic word (account) counts half and earns no bonus; a topic word (webcare) earns one
    const generic = new Map([['account', 1]]);
    expect(score(rankInfo(idx, generic, genericStems()), 'whose-accounts')).toBeLessThan(
      score(rank(idx, generic), 'whose-accounts'),
    );
    const topic = new Map([['webcar', 1]]);
    expect(score(rankInfo(idx, topic, genericStems()), 'webcare')).toBeGreaterThan(
      score(rank(idx, topic), 'webcare'),
    );
  });
});

describe('the plural of an abbreviation', () => {
  it('is the abbreviation, in questions and entries alike', () => {
    expect(terms('Via de APIs van de platforms')).toEqual(terms('Via de API van de platforms'));
    expect(queryTerms(analyse('Do the APIs give us every reply?')).has('api')).toBe(true);
  });
});

describe('out of scope', () => {
  it('a platform’s name puts no question in scope: how-to and reach questions that meet no entry otherwise', () => {
    for (const q of [
      'Which filters make our Instagram photos look better?',
      'Hoe zet ik een peiling op Mastodon?',
      'Hoeveel tekens mag een bericht op Bluesky hebben?',
    ]) {
      expect(ask(q).verdict, q).toBe('unknown');
    }
  });

  it('a factual question about a platform that meets an entry on a topic word stays in scope', () => {
    expect(ask('Wat mist de API van Facebook bij het vastleggen?').verdict).toBe('info');
  });
});

describe('a question sentence that meets no entry by itself', () => {
  it('takes its topic from the sentences set aside before it', () => {
    expect(ask('Welke wet is het?').verdict).toBe('unknown');
    const a = ask('Mijn manager zegt dat de zorgplicht in de Archiefregeling staat. Welke wet is het?');
    expect(a.verdict).toBe('info');
    expect(a.entries).toEqual(['zorgplicht']);
    expect(ask('What does it actually say?').verdict).toBe('unknown');
    const b = ask(
      'A colleague says the duty of care for records is in the Archiefregeling. What does it actually say?',
    );
    expect(b.entries).toEqual(['zorgplicht']);
  });

  it('stays outside the knowledge base when the context meets nothing either', () => {
    expect(ask('Wij van de gemeente zijn druk met de verkiezingen. Hoe krijg ik meer likes?').verdict).toBe(
      'unknown',
    );
  });
});

describe('a clear factual question lowers the bar', () => {
  it('answers a short question that names two of an entry’s declared topics', () => {
    for (const q of ['Waar staan B en V voor?', 'What do B and V stand for?']) {
      const a = ask(q);
      expect(a.verdict, q).toBe('info');
      expect(a.entries, q).toEqual(['selection-retention']);
    }
  });
});

describe('a question that asks for a reference fact', () => {
  it('is factual when a sentence opens with which/welk(e) and a reference noun, also after a preposition', () => {
    expect(asksForThing(analyse('Volgens welke wet moeten onze tweets bewaard worden?'))).toBe(true);
    expect(
      asksForThing(analyse('We harvesten ons YouTube-kanaal. In welk formaat leveren we dat aan?')),
    ).toBe(true);
    expect(asksForThing(analyse('To which institution do the permanent records of a province go?'))).toBe(
      true,
    );
    const a = ask(
      'Onze burgemeester zet zijn posts op Facebook. Volgens welke standaard leggen we de metagegevens vast?',
    );
    expect(a.verdict).toBe('info');
    expect(a.entries).toEqual(['mdto']);
  });

  it('reads a two-word noun: "which file format", "what metadata standard"', () => {
    expect(
      asksForThing(analyse('Our channels get harvested next week. What file format should the result have?')),
    ).toBe(true);
    expect(asksForThing(analyse('Which storage system do we use?'))).toBe(false);
  });

  it('is no reference question when the noun is the item or a consequence for it', () => {
    expect(asksForThing(analyse('Welke berichten van de wethouder moeten we bewaren?'))).toBe(false);
    expect(asksForThing(analyse('De wethouder wiste een post. Welke gevolgen heeft dat?'))).toBe(false);
    expect(asksForThing(analyse('The alderman removed a post. Which rule applies?'))).toBe(false);
    expect(
      ask('The alderman removed a post from the council’s Instagram. Which rule applies?').verdict,
    ).not.toBe('info');
  });

  it('finds a compound law name for "which law" (Archiefwet is a wet)', () => {
    expect(terms('De Archiefwet')).toContain('archiefwet');
    const hits = rankInfo(
      index(),
      queryTerms(analyse('Welke wet maakt een tweet tot archiefbescheid?')),
      genericStems(),
    );
    expect(hits[0]?.doc.kind === 'entry' && hits[0].doc.entry.id).toBe('archiefbescheid');
    expect(hits[0]?.matched).toContain('wet');
  });
});

describe('out of scope, however sure the classifier is that it asks about an item', () => {
  it('a question that says nothing of keeping and meets no entry on a declared topic is unknown', () => {
    for (const q of [
      'Kan een medewerker ontslagen worden als hij op zijn eigen Bluesky-account de staatssecretaris bekritiseert?',
      'Does anyone know how to get a blue tick for the council’s Facebook page?',
      'Bij wie moet ik zijn voor een nieuw wachtwoord van het LinkedIn-account?',
    ]) {
      expect(ask(q).verdict, q).toBe('unknown');
    }
  });

  it('a question about keeping an item still goes to the rules', () => {
    const a = ask('Do we need to hold onto the reply our municipality’s corporate account gave on Facebook?');
    expect(['archive', 'depends']).toContain(a.verdict);
  });

  it('a question word is a topic only when the question opens with it', () => {
    expect(ask('Waarom bewaart de overheid haar socialemediaberichten eigenlijk?').entries).toEqual([
      'why-archive',
    ]);
    expect(ask('Whose accounts does a ministry have to archive?').entries).toEqual(['whose-accounts']);
  });
});

describe('definition questions', () => {
  it('find the subject of an embedded definition question', () => {
    const a = analyse('Could you explain what ToPX means?');
    expect(a.tokens[definitionSubject(a)]?.raw).toBe('topx');
    const b = analyse('Kun je uitleggen wat een hotspot is?');
    expect(b.tokens[definitionSubject(b)]?.raw).toBe('hotspot');
    expect(ask('Kun je uitleggen wat een hotspot is?').entries).toEqual(['hotspots']);
  });

  it('a platform says a question is about social media when the entry meets it on another word', () => {
    expect(ask('Wat weet je over de Mastodon-server van de Rijksoverheid?').entries).toEqual([
      'mastodon-pilot',
    ]);
  });
});

describe('names of government bodies', () => {
  it('say who, not what about: a question that meets an entry only on a body’s name is outside', () => {
    for (const q of [
      'Wat is het adres van het Nationaal Archief?',
      'How many people work at the Nationaal Archief?',
    ]) {
      expect(ask(q).verdict, q).toBe('unknown');
    }
    // the transfer question still finds its entry: "naar het Nationaal Archief" is the transfer concept
    expect(ask('Wanneer brengt een ministerie zijn tweets naar het Nationaal Archief?').entries).toEqual([
      'transfer',
    ]);
  });
});
