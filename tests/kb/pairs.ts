/**
 * Where does the reader read a question worse in English than in Dutch, or worse with typos (issue 15)?
 * Runs generated question pairs (src/kb/grammar.ts generatePairs: the same picks in both languages, in
 * every sentence order and construction of the grammar) through ask() and lists, per fact, how often the
 * two readings differ, with examples, and per sentence order how many pairs differ in verdict or rule
 * (for a factual question: in the guidance entry that answers it).
 * `--typos` compares each generated question, and each tuning-set question, with itself with typos: the
 * eval's swapped letters and a dropped letter, a doubled letter and a neighbouring key (grammar.ts
 * misspell); `--kind swap|drop|double|key` runs one kind. `--words` compares the concepts read in each word
 * pair of the glossary (grammar.ts GLOSSARY). Generated and tuning questions only: never a held-out set.
 * Run: npx tsx tests/kb/pairs.ts [--words | --typos [--kind K]] [n] [seed]
 */
import { analyse } from '../../src/kb/analyse.ts';
import { GLOSSARY, generatePairs, misspell, TYPO_KINDS, type TypoKind } from '../../src/kb/grammar.ts';
import { ask } from '../../src/kb/index.ts';
import { loadCases } from './eval.ts';

const argv = process.argv.slice(2);
if (argv.includes('--words')) {
  // the glossary's word pairs: the concepts read in "Het gaat om <nl>." against "It is about <en>."
  const concepts = (q: string) =>
    analyse(q)
      .matches.map((m) => m.concept)
      .filter((c) => c !== 'possOrg')
      .sort()
      .join(',');
  const differ = GLOSSARY.filter(
    ([nl, en]) => concepts(`Het gaat om ${nl}.`) !== concepts(`It is about ${en}.`),
  );
  const out = differ.map(
    ([nl, en]) => `  ${nl} [${concepts(`Het gaat om ${nl}.`)}] / ${en} [${concepts(`It is about ${en}.`)}]`,
  );
  process.stdout.write(
    `${GLOSSARY.length} word pairs: the concepts differ in ${differ.length}\n${out.join('\n')}\n`,
  );
  process.exit(0);
}
const kindArg = argv.indexOf('--kind');
const kinds: TypoKind[] = kindArg >= 0 ? [argv[kindArg + 1] as TypoKind] : TYPO_KINDS;
const args = argv.filter((a, i) => !a.startsWith('--') && (kindArg < 0 || i !== kindArg + 1));
const typos = argv.includes('--typos');
const n = Number(args[0] ?? 600);
const seed = Number(args[1] ?? 77);
const generated = generatePairs(n, seed);
/** [first, second, group]: the group is the sentence order (languages) or the kind of typo. */
const pairs: [string, string, string][] = typos
  ? kinds.flatMap((kind) => [
      ...generated.flatMap((p): [string, string, string][] => [
        [p.nl, misspell(p.nl, kind), kind],
        [p.en, misspell(p.en, kind), kind],
      ]),
      ...loadCases('tuning').map((c): [string, string, string] => [c.q, misspell(c.q, kind), kind]),
    ])
  : generated.map((p): [string, string, string] => [p.nl, p.en, p.order]);
const [x, y] = typos ? ['clean', 'typos'] : ['nl', 'en'];
const diffs = new Map<string, { count: number; examples: string[] }>();
const groups = new Map<string, { total: number; differ: number }>();
let verdictDiff = 0;
const note = (key: string, example: string) => {
  const d = diffs.get(key) ?? { count: 0, examples: [] };
  d.count++;
  if (d.examples.length < 3) d.examples.push(example);
  diffs.set(key, d);
};
for (const [p, q, group] of pairs) {
  const a = ask(p);
  const b = ask(q);
  const g = groups.get(group) ?? { total: 0, differ: 0 };
  g.total++;
  groups.set(group, g);
  const example = `${p}\n        ${q}`;
  // a factual question is answered alike when the same guidance entry answers it
  const entry = (x: typeof a) => (x.verdict === 'info' ? (x.entries[0] ?? '') : '');
  if (a.verdict !== b.verdict || a.rule !== b.rule || entry(a) !== entry(b)) {
    verdictDiff++;
    g.differ++;
    note(
      `verdict: ${x} ${a.verdict} ${a.rule ?? entry(a)} / ${y} ${b.verdict} ${b.rule ?? entry(b)}`,
      example,
    );
  }
  for (const k of Object.keys(a.facts) as (keyof typeof a.facts)[]) {
    if (k === 'orgKind' || a.facts[k] === b.facts[k]) continue;
    note(`${k}: ${x} ${a.facts[k]} / ${y} ${b.facts[k]}`, example);
  }
}
const lines = [`${pairs.length} pairs: verdict or deciding rule differs in ${verdictDiff}`];
for (const [name, g] of groups) lines.push(`  ${name}: ${g.differ} of ${g.total}`);
for (const [k, d] of [...diffs].sort((a, b) => b[1].count - a[1].count)) {
  lines.push(`${String(d.count).padStart(4)}  ${k}`, ...d.examples.map((e) => `      ${e}`));
}
process.stdout.write(`${lines.join('\n')}\n`);
