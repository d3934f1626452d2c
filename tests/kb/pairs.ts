/**
 * Where does the reader read a question worse in English than in Dutch, or worse with typos (issue 15)?
 * Runs generated question pairs (src/kb/grammar.ts generatePairs: the same picks in both languages)
 * through ask() and lists, per fact, how often the two readings differ, with examples. `--typos` compares
 * each generated question, and each tuning-set question, with itself with typos inserted (the same typos
 * as eval:kb's variant). Generated and tuning questions only: never a held-out set.
 * Run: npx tsx tests/kb/pairs.ts [--typos] [n] [seed]
 */
import { generatePairs } from '../../src/kb/grammar.ts';
import { ask } from '../../src/kb/index.ts';
import { insertTypos, loadCases } from './eval.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const typos = process.argv.includes('--typos');
const n = Number(args[0] ?? 600);
const seed = Number(args[1] ?? 77);
const generated = generatePairs(n, seed);
const pairs: [string, string][] = typos
  ? [
      ...generated.flatMap((p): [string, string][] => [
        [p.nl, insertTypos(p.nl)],
        [p.en, insertTypos(p.en)],
      ]),
      ...loadCases('tuning').map((c): [string, string] => [c.q, insertTypos(c.q)]),
    ]
  : generated.map((p): [string, string] => [p.nl, p.en]);
const [x, y] = typos ? ['clean', 'typos'] : ['nl', 'en'];
const diffs = new Map<string, { count: number; examples: string[] }>();
let verdictDiff = 0;
for (const [p, q] of pairs) {
  const a = ask(p);
  const b = ask(q);
  if (a.verdict !== b.verdict || a.rule !== b.rule) {
    verdictDiff++;
    const key = `verdict: ${x} ${a.verdict} ${a.rule ?? ''} / ${y} ${b.verdict} ${b.rule ?? ''}`;
    const d = diffs.get(key) ?? { count: 0, examples: [] };
    d.count++;
    if (d.examples.length < 3) d.examples.push(`${p}\n        ${q}`);
    diffs.set(key, d);
  }
  for (const k of Object.keys(a.facts) as (keyof typeof a.facts)[]) {
    if (k === 'orgKind' || a.facts[k] === b.facts[k]) continue;
    const key = `${k}: ${x} ${a.facts[k]} / ${y} ${b.facts[k]}`;
    const d = diffs.get(key) ?? { count: 0, examples: [] };
    d.count++;
    if (d.examples.length < 3) d.examples.push(`${p}\n        ${q}`);
    diffs.set(key, d);
  }
}
const lines = [`${pairs.length} pairs: verdict or deciding rule differs in ${verdictDiff}`];
for (const [k, d] of [...diffs].sort((a, b) => b[1].count - a[1].count)) {
  lines.push(`${String(d.count).padStart(4)}  ${k}`, ...d.examples.map((e) => `      ${e}`));
}
process.stdout.write(`${lines.join('\n')}\n`);
