import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isSealed, loadCases, runCases, SETS, score, VERDICTS } from './kb/eval.ts';

const tuning = loadCases('tuning');
const heldout = loadCases('heldout');
const shared = (
  parse(readFileSync(new URL('./kb/kb-examples.yaml', import.meta.url), 'utf8')) as { q: string }[]
).map((e) => e.q);

describe('the evaluation set (npm run eval:kb)', () => {
  it('has at least 60 questions in both languages, every verdict, and a held-out part', () => {
    const all = [...tuning, ...heldout];
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(heldout.length).toBeGreaterThanOrEqual(30);
    for (const set of [tuning, heldout]) {
      for (const v of VERDICTS) expect(set.filter((c) => c.verdict === v).length, v).toBeGreaterThan(0);
      for (const l of ['nl', 'en']) expect(set.filter((c) => c.lang === l).length, l).toBeGreaterThan(5);
    }
    for (const c of all.filter((x) => x.verdict === 'info')) expect(c.facts?.length, c.q).toBeGreaterThan(0);
    // its own questions: none copied from the shared examples, none in both parts
    const qs = all.map((c) => c.q);
    expect(new Set(qs).size).toBe(qs.length);
    for (const q of shared) expect(qs).not.toContain(q);
  });

  it('scores at least 90% overall, on the tuning part and on the held-out part', () => {
    const t = score(runCases(tuning));
    const h = score(runCases(heldout));
    expect(t.correct / t.total).toBeGreaterThanOrEqual(0.9);
    expect(h.correct / h.total).toBeGreaterThanOrEqual(0.9);
    expect((t.correct + h.correct) / (t.total + h.total)).toBeGreaterThanOrEqual(0.9);
    for (const v of VERDICTS) {
      const p = {
        total: t.perVerdict[v]!.total + h.perVerdict[v]!.total,
        correct: t.perVerdict[v]!.correct + h.perVerdict[v]!.correct,
      };
      expect(p.correct / p.total, v).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('judges a case wrong when the verdict, the language or a fact is wrong', async () => {
    const { judge } = await import('./kb/eval.ts');
    const { ask } = await import('../src/kb/index.ts');
    const a = ask('Sinds wanneer geldt de Woo?');
    expect(judge({ q: '', lang: 'nl', verdict: 'info', facts: ['1 mei 2022'] }, a).ok).toBe(true);
    expect(judge({ q: '', lang: 'en', verdict: 'info', facts: ['1 mei 2022'] }, a).why).toEqual([
      'language nl, expected en',
    ]);
    expect(judge({ q: '', lang: 'nl', verdict: 'archive' }, a).ok).toBe(false);
    expect(judge({ q: '', lang: 'nl', verdict: 'info', facts: ['2031'] }, a).why).toEqual([
      'does not state "2031"',
    ]);
  });
});

describe('sealed sets', () => {
  it('every held-out set is sealed by name, every development set and the tuning set are not', () => {
    for (const s of SETS) expect(isSealed(s)).toBe(!(s === 'tuning' || s.startsWith('dev')));
    expect(isSealed('blind7')).toBe(true);
    expect(isSealed('dev11')).toBe(false);
  });
});
