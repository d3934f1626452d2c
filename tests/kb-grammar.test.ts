/**
 * Issue 15: the generated question pairs (src/kb/grammar.ts) that find where the reader reads English
 * worse than Dutch, and the mechanisms they and the glossary showed, each read alike in both languages.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/kb/analyse.ts';
import { extractFacts } from '../src/kb/facts.ts';
import { GLOSSARY, generatePairs, PAIR_ORDER_NAMES } from '../src/kb/grammar.ts';
import { ask } from '../src/kb/index.ts';

const facts = (q: string) => extractFacts(analyse(q));

describe('the generated pairs', () => {
  it('are deterministic and use every sentence order and construction', () => {
    const a = generatePairs(400, 3);
    expect(generatePairs(400, 3)).toEqual(a);
    expect(new Set(a.map((p) => p.order))).toEqual(new Set([...PAIR_ORDER_NAMES, 'factual question']));
    for (const p of a) expect(p.nl).not.toBe(p.en);
  });

  it('have a glossary of Dutch and English word pairs', () => {
    expect(GLOSSARY.length).toBeGreaterThan(100);
    expect(GLOSSARY).toContainEqual(['aangepast', 'amended']);
  });
});

describe('what the widened pairs and the glossary showed, read alike in both languages', () => {
  it('an erasure request under the AVG, in a noun or a verb', () => {
    expect(facts('Een inwoner vraagt op grond van de AVG om verwijdering.').erasure).toBe(true);
    expect(facts('A resident asks for erasure under the GDPR.').erasure).toBe(true);
  });

  it('"on the platform anyway" with the word platform said', () => {
    expect(facts('Het staat toch ook op het platform zelf. Mag het weg?').elsewhere).toBe(true);
    expect(facts('It is on the platform itself anyway. Can it go?').elsewhere).toBe(true);
  });

  it("a resident's comment on someone's post is a comment, not the post author's webcare", () => {
    for (const q of [
      'Een inwoner reageert kritisch op een post van de provincie. Moeten we dat bewaren?',
      'A resident posts a critical comment on a post by the province. Do we have to keep it?',
    ])
      expect(facts(q).content, q).toBe('comment');
    expect(facts('A reply about the budget was posted by the alderman.').content).toBe('webcare');
  });

  it('a council meeting names no author', () => {
    const nl = ask(
      'De burgemeester zet een livestream van de raadsvergadering op Threads. Hoort dat in het archief?',
    );
    const en = ask(
      'The mayor puts a livestream of the council meeting on Threads. Does that belong in the archive?',
    );
    expect(en.facts.author).toBe(nl.facts.author);
    expect(en.rule).toBe(nl.rule);
  });

  it('English legal names and verbs: the Open Government Act, the Archives Act, amended, disposed of', () => {
    expect(facts('There is an Open Government Act request about it.').hold).toBe(true);
    expect(facts('The post was amended.').change).toBe('edited');
    expect(analyse('Does it fall under the Archives Act?').matches.map((m) => m.concept)).toContain(
      'archiveLaw',
    );
    expect(facts('The tweets were disposed of.').change).toBe('deleted');
  });
});
