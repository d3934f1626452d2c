/**
 * Issue 15, item 3: spelling correction only for non-words, checked against the full Dutch and English
 * dictionaries; a dictionary word is never rewritten; and a non-word that an ordinary word explains as
 * well as a domain word is not turned into the domain word (so no fact is invented from a typo) unless
 * the context decides.
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/kb/analyse.ts';
import { extractFacts } from '../src/kb/facts.ts';
import { misspell } from '../src/kb/grammar.ts';
import { ask } from '../src/kb/index.ts';
import { isDictionaryWord } from '../src/kb/spelling.ts';
import { keyNeighbours, slipCost } from '../src/kb/text.ts';

const read = (q: string) =>
  analyse(q)
    .tokens.map((t) => t.raw)
    .join(' ');

describe('a dictionary word is never rewritten', () => {
  it('keeps Dutch and English words that lie one or two edits from a domain word', () => {
    // verschil/geschil, evacuation/vacation, polite/politie, removes (re + move, a prefix form)
    for (const w of ['verschil', 'polite', 'removes', 'deactivated'])
      expect(isDictionaryWord(w), w).toBe(true);
    for (const w of ['verschil', 'evacuation', 'polite', 'removes', 'deactivated', 'deelde'])
      expect(read(`Het gaat om ${w} hier.`), w).toContain(` ${w} `);
    // a word the knowledge base knows itself is kept too
    expect(read('The mayor posts it.')).toBe('the mayor posts it');
  });

  it('keeps a real compound whose part is an ordinary word ("vakantiedagen" is no vakantie + daten)', () => {
    expect(read('Hoeveel vakantiedagen heb ik?')).toBe('hoeveel vakantiedagen heb ik');
  });
});

describe('a non-word an ordinary word explains as well is not turned into a domain fact', () => {
  it('leaves "delede" (deelde, shared, is as likely as delete): no wish to delete is invented', () => {
    expect(read('Mogen we de tweet delede?')).toBe('mogen we de tweet delede');
    expect(extractFacts(analyse('Mogen we de tweet delede?')).intent).toBeNull();
  });

  it('corrects a typo that only the domain word explains', () => {
    // a doubled letter, a dropped letter: no ordinary word is that close
    expect(extractFacts(analyse('Mogen we de tweet deleete?')).intent).toBe('delete');
    expect(extractFacts(analyse('Mogen we de tweet delte?')).intent).toBe('delete');
    // "psst" would need an extra key struck, "post" only a doubled letter
    expect(read('De wethouder posst een foto.')).toBe('de wethouder post een foto');
  });

  it('lets the context decide a tie: a lexicon term with the next word, and the question’s language', () => {
    // privte: private (a letter dropped) or privet (two swapped); "private account" is a term
    expect(read('Het gaat om een privte account.')).toBe('het gaat om een private account');
    // poltie: politie or the English "polite": in a Dutch question it is the police …
    expect(read('Het account van de poltie op X.')).toBe('het account van de politie op x');
    // … in an English question the English word is as likely, and the word is left
    expect(read('The poltie account on X.')).toBe('the poltie account on x');
  });

  it('still repairs a long compound with one slip, in Dutch', () => {
    expect(read('Het provinceiaccount op Instagram.')).toBe('het provincie account op instagram');
    expect(read('Moeten de archiesftukken weg?')).toBe('moeten de archief stukken weg');
  });
});

describe('how likely a typo is', () => {
  it('knows the keys around a key', () => {
    expect([...keyNeighbours('d')].sort().join('')).toBe('cefrsx');
    expect(keyNeighbours('t')).toContain('r');
    expect(keyNeighbours('t')).not.toContain('d');
  });

  it('weighs swapped, dropped and doubled letters, then neighbouring keys, below any other edit', () => {
    expect(slipCost('delede', 'deelde')).toBe(0.5); // swapped
    expect(slipCost('delte', 'delete')).toBe(0.5); // dropped
    expect(slipCost('deleete', 'delete')).toBe(0.5); // doubled
    expect(slipCost('delere', 'delete')).toBe(0.6); // r next to t
    expect(slipCost('delede', 'delete')).toBeNull(); // d is not next to t
  });

  it('writes the typos pairs.ts compares with (grammar.ts misspell), deterministically', () => {
    const q = 'Moeten de berichten van onze gemeente bewaard worden?';
    // every third word of five letters or more, in its middle
    expect(misspell(q, 'swap')).toBe('Moeten de bercihten van onze gemeente bewaard wodren?');
    expect(misspell(q, 'drop')).toBe('Moeten de berihten van onze gemeente bewaard woren?');
    expect(misspell(q, 'double')).toBe('Moeten de bericchten van onze gemeente bewaard wordden?');
    expect(misspell(q, 'key')).not.toBe(q);
    expect(misspell(q, 'key')).toBe(misspell(q, 'key'));
  });
});

describe('what a typo is corrected towards', () => {
  it('corrects a non-word the Bloom filter takes for a word when it lies within reach of a known word', () => {
    // "egien" passes the filter of every dictionary word (1 in 200 non-words do); the exact list of the
    // dictionary words near known words, which decides within that reach, does not hold it
    expect(isDictionaryWord('egien')).toBe(true);
    expect(read('Hij post op zijn egien account.')).toBe('hij post op zijn eigen account');
  });

  it('knows the words of the answer’s own patterns and of small talk, so their typos are read', () => {
    expect(read('Tips voor meer beerik op Instagram?')).toBe('tips voor meer bereik op instagram');
    expect(ask('Tips voor meer beerik met onze posts op Instagram?').verdict).toBe('unknown');
    expect(read('Een chat over waar we gaan lucnhen.')).toBe('een chat over waar we gaan lunchen');
  });

  it('does not make those words parts of compounds', () => {
    expect(read('Het rooster van de lunchconcerten.')).toBe('het rooster van de lunchconcerten');
    // and a compound they begin is still split into its known parts
    expect(read('Wat doet de exportfunctie?')).toBe('wat doet de export functie');
  });
});
