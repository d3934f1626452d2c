/**
 * bench/kb: the time ask() takes per question, over every question of the evaluation sets
 * (tests/kb/eval-*.yaml) and the robustness variants of the held-out sets, p50 and p95 (aim: p95 ≤ 5 ms), against a baseline measured in the same run: tokenising the same
 * question alone (fold, split into words, stem each). Also the cold start (reading and indexing the
 * content) and ask() with 200 approved community entries. Run: npm run bench:kb
 * BENCH_RUNS sets the passes over the questions (default 30); BENCH_SETS=tuning,dev,… the sets.
 */
import { cpus, totalmem } from 'node:os';
import { analyse } from '../../src/kb/analyse.ts';
import { type ApprovedEntry, ask } from '../../src/kb/index.ts';
import { fold, stem, words } from '../../src/kb/text.ts';
import { loadCases, SETS, VARIANTS, variant } from '../../tests/kb/eval.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Per-question times in ms (each question timed alone, RUNS passes, in a shuffled order each pass). */
function measure(questions: string[], work: (q: string) => unknown): number[] {
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    const order = questions
      .map((q, i) => [q, (i * 7919 + r * 104729) % 1000003] as const)
      .sort((a, b) => a[1] - b[1]);
    for (const [q] of order) {
      const t0 = performance.now();
      const out = work(q);
      times.push(performance.now() - t0);
      sink += out ? 1 : 0;
    }
  }
  if (sink < 0) console.log(sink);
  return times.sort((a, b) => a - b);
}

// Every evaluation set, and the held-out sets again as their robustness variants (longer questions with
// context sentences, greetings, typos, the other language).
// BENCH_SETS=tuning,dev,… runs some sets only (to compare with a run from before a set was added).
const chosen = process.env.BENCH_SETS
  ? SETS.filter((s) => process.env.BENCH_SETS!.split(',').includes(s))
  : SETS;
const cases = chosen.flatMap((s) => loadCases(s));
const heldOut = chosen.filter((s) => s !== 'tuning').flatMap((s) => loadCases(s));
const questions = [...cases, ...VARIANTS.flatMap((v) => variant(heldOut, v))].map((c) => c.q);

const t0 = performance.now();
ask(questions[0]!);
const coldMs = performance.now() - t0;

const tokenise = (q: string) => words(fold(q)).map(stem);
// Warm both paths before measuring (JIT).
for (const q of questions) {
  tokenise(q);
  ask(q);
}

const base = measure(questions, tokenise);
const full = measure(questions, (q) => ask(q));
const read = measure(questions, (q) => analyse(q));

const community: ApprovedEntry[] = Array.from({ length: 200 }, (_, i) => ({
  id: i + 1,
  question: `Vraag ${i} over ${['stories', 'webcare', 'MDTO', 'de Woo', 'Mastodon', 'likes', 'bewaartermijnen'][i % 7]} bij directie ${i}?`,
  answer: `Antwoord ${i}: ${questions[i % questions.length]}`,
  author: `lid${i % 13}`,
  reviewer: 'expert',
  reviewedAt: '2026-01-01T00:00:00.000Z',
}));
ask(questions[0]!, { community });
const withCommunity = measure(questions, (q) => ask(q, { community }));

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
const row = (name: string, t: number[]) =>
  `${name.padEnd(34)} p50 ${fmt(percentile(t, 0.5)).padStart(9)}   p95 ${fmt(percentile(t, 0.95)).padStart(9)}   max ${fmt(t.at(-1)!).padStart(9)}`;

console.log(
  `kb bench: ${questions.length} questions × ${RUNS} runs on ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `cold start (read + index the content, load the dictionary list and data lists, first answer): ${fmt(coldMs)}`,
);
console.log(row('baseline: tokenise the question', base));
console.log(row('read the question (analyse)', read));
console.log(row('ask()', full));
console.log(row('ask() with 200 community entries', withCommunity));
const ratio50 = percentile(full, 0.5) / percentile(base, 0.5);
const ratio95 = percentile(full, 0.95) / percentile(base, 0.95);
console.log(`ratio ask/tokenise: p50 ${ratio50.toFixed(1)}×, p95 ${ratio95.toFixed(1)}×`);
const p95 = percentile(full, 0.95);
console.log(p95 <= 5 ? `aim p95 ≤ 5 ms: met (${fmt(p95)})` : `aim p95 ≤ 5 ms: NOT met (${fmt(p95)})`);
