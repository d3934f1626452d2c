/**
 * The knowledge base's evaluation: runs every question of tests/kb/eval-tuning.yaml and
 * tests/kb/eval-heldout.yaml through ask() and prints accuracy per verdict and overall, for each part.
 * A case is correct when the verdict and the answer's language are right and, for info questions, the
 * answer states every listed fact. Run: npm run eval:kb  (add --verbose to see every miss, --set tuning
 * or --set heldout for one part, --json for a machine-readable report).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Answer, ask, type Verdict } from '../../src/kb/index.ts';

export interface EvalCase {
  q: string;
  lang: 'nl' | 'en';
  verdict: Verdict;
  facts?: (string | number)[];
}

export interface CaseResult {
  case: EvalCase;
  answer: Answer;
  ok: boolean;
  why: string[];
}

export const VERDICTS: Verdict[] = ['archive', 'do-not-archive', 'depends', 'info', 'unknown'];
const DIR = path.dirname(fileURLToPath(import.meta.url));

export function loadCases(set: 'tuning' | 'heldout'): EvalCase[] {
  return parse(readFileSync(path.join(DIR, `eval-${set}.yaml`), 'utf8')) as EvalCase[];
}

export function judge(c: EvalCase, answer: Answer): CaseResult {
  const why: string[] = [];
  if (answer.verdict !== c.verdict) why.push(`verdict ${answer.verdict}, expected ${c.verdict}`);
  if (answer.language !== c.lang) why.push(`language ${answer.language}, expected ${c.lang}`);
  for (const fact of c.facts ?? []) {
    if (!answer.answer.toLowerCase().includes(String(fact).toLowerCase()))
      why.push(`does not state "${fact}"`);
  }
  if (['archive', 'do-not-archive', 'depends'].includes(answer.verdict) && answer.sources.length === 0)
    why.push('no source');
  return { case: c, answer, ok: why.length === 0, why };
}

export function runCases(cases: EvalCase[]): CaseResult[] {
  return cases.map((c) => judge(c, ask(c.q)));
}

export interface Score {
  total: number;
  correct: number;
  perVerdict: Record<string, { total: number; correct: number }>;
}

export function score(results: CaseResult[]): Score {
  const perVerdict: Score['perVerdict'] = {};
  for (const v of VERDICTS) perVerdict[v] = { total: 0, correct: 0 };
  for (const r of results) {
    const s = perVerdict[r.case.verdict]!;
    s.total++;
    if (r.ok) s.correct++;
  }
  return { total: results.length, correct: results.filter((r) => r.ok).length, perVerdict };
}

const pct = (c: number, t: number) => (t ? `${((100 * c) / t).toFixed(1)}%` : '—');

export function formatScore(name: string, s: Score): string {
  const lines = [`${name}: ${s.correct}/${s.total} correct (${pct(s.correct, s.total)})`];
  for (const v of VERDICTS) {
    const p = s.perVerdict[v]!;
    lines.push(
      `  ${v.padEnd(15)} ${String(p.correct).padStart(3)}/${String(p.total).padEnd(3)} ${pct(p.correct, p.total)}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const json = args.includes('--json');
  const only = args.includes('--set') ? args[args.indexOf('--set') + 1] : undefined;
  const sets = (only ? [only] : ['tuning', 'heldout']) as ('tuning' | 'heldout')[];
  const all: CaseResult[] = [];
  const report: Record<string, Score> = {};
  for (const set of sets) {
    const results = runCases(loadCases(set));
    all.push(...results);
    report[set] = score(results);
    if (!json) {
      console.log(formatScore(set === 'tuning' ? 'tuning set' : 'held-out set', report[set]!));
      for (const r of results.filter((x) => !x.ok && verbose))
        console.log(`    ✗ ${r.case.q}\n      ${r.why.join('; ')}`);
    }
  }
  if (sets.length > 1) report['overall'] = score(all);
  if (json) console.log(JSON.stringify(report, null, 2));
  else if (sets.length > 1) console.log(formatScore('overall', report['overall']!));
}
