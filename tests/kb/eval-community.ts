/**
 * The evaluation of an archive's approved community entries (issue 18, item 4), called by eval.ts
 * (`npm run eval:kb -- --archive <data dir>`, or `ARCHIEFBOT_DATA_DIR`). Every approved entry still in
 * use — a klankbordgroep suggestion approved by a second person, or an expert's approved answer to an
 * open question; retired ones left out — is asked as its own question, and, to test generalisation,
 * with a context sentence before it and with a greeting around it (eval.ts's own variants), with all
 * the entries loaded the way the bot answers (askWithCommunity). A case counts when the answer is that
 * entry, attributed: it names `community:<id>`, quotes the entry's answer and says who approved it and
 * when. Reported apart from the rule-based sets and never mixed into their figures.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { askWithCommunity } from '../../src/kb/community.ts';
import type { Answer, ApprovedEntry } from '../../src/kb/index.ts';
import { Archive } from '../../src/store/archive.ts';
import { activeEntries, answeredEntryIds } from '../../src/store/community.ts';
import { type EvalCase, variant } from './eval.ts';

export interface CommunityCase {
  entry: ApprovedEntry;
  /** `suggestion` (kb suggest, approved) or `expert` (an expert's answer to an open question). */
  kind: 'suggestion' | 'expert';
  q: string;
  answer: Answer;
  found: boolean;
}

export interface CommunityScore {
  total: number;
  found: number;
}

export interface CommunityReport {
  /** The data directory evaluated; null: no archive given or none there. */
  archive: string | null;
  entries: number;
  suggestions: number;
  expertAnswers: number;
  found: number;
  /** Found as the whole answer (not as a line beside a rule-based decision). */
  alone: number;
  context: CommunityScore;
  greetings: CommunityScore;
  misses: { id: number; variant: 'plain' | 'context' | 'greetings'; q: string; got: string }[];
}

/** The data directory to evaluate: `--archive <dir>`, else ARCHIEFBOT_DATA_DIR, else none. */
export function archiveDir(args: string[], env: NodeJS.ProcessEnv = process.env): string | null {
  const i = args.indexOf('--archive');
  if (i >= 0) {
    const dir = args[i + 1];
    if (!dir || dir.startsWith('--')) throw new Error('--archive needs a data directory');
    return dir;
  }
  return env.ARCHIEFBOT_DATA_DIR || null;
}

/** The answer is the entry, attributed: it names it, quotes it, and says who approved it and when. */
export function isEntry(a: Answer, e: ApprovedEntry): boolean {
  return (
    a.entries.includes(`community:${e.id}`) &&
    a.answer.includes(e.answer) &&
    a.answer.includes(e.reviewer) &&
    a.answer.includes(e.reviewedAt.slice(0, 10))
  );
}

const empty = (archive: string | null): CommunityReport => ({
  archive,
  entries: 0,
  suggestions: 0,
  expertAnswers: 0,
  found: 0,
  alone: 0,
  context: { total: 0, found: 0 },
  greetings: { total: 0, found: 0 },
  misses: [],
});

/** Reads the archive's entries in use (never creates an archive: a directory without one has none). */
async function load(dir: string): Promise<{ entries: ApprovedEntry[]; answered: Set<number> } | null> {
  if (!existsSync(path.join(dir, 'archiefbot.db'))) return null;
  const archive = await Archive.open(dir, { rotateBytes: 1 << 30, operator: 'eval:kb' }, { recover: false });
  try {
    return { entries: await activeEntries(archive.db), answered: await answeredEntryIds(archive.db) };
  } finally {
    await archive.close();
  }
}

/** Evaluates the approved community entries of the archive in `dir` (null: none given). */
export async function evalCommunity(dir: string | null): Promise<CommunityReport> {
  const loaded = dir ? await load(dir) : null;
  if (!dir || !loaded) return empty(null);
  const { entries, answered } = loaded;
  const report = empty(dir);
  const opts = { community: entries, answered };
  const run = (e: ApprovedEntry, q: string): CommunityCase => {
    const answer = askWithCommunity(q, opts);
    return {
      entry: e,
      kind: answered.has(e.id) ? 'expert' : 'suggestion',
      q,
      answer,
      found: isEntry(answer, e),
    };
  };
  const plain = entries.map((e) => run(e, e.question));
  // The variants in the entry's language (else the language the plain question was answered in).
  const cases: EvalCase[] = plain.map((c) => ({
    q: c.q,
    lang: c.entry.language ?? c.answer.language,
    verdict: 'info',
  }));
  report.entries = entries.length;
  report.expertAnswers = plain.filter((c) => c.kind === 'expert').length;
  report.suggestions = entries.length - report.expertAnswers;
  report.found = plain.filter((c) => c.found).length;
  report.alone = plain.filter((c) => c.found && c.answer.entries.length === 1).length;
  const miss = (c: CommunityCase, v: CommunityReport['misses'][number]['variant']) =>
    report.misses.push({ id: c.entry.id, variant: v, q: c.q, got: c.answer.answer });
  for (const c of plain.filter((x) => !x.found)) miss(c, 'plain');
  for (const v of ['context', 'greetings'] as const) {
    const res = variant(cases, v).map((vc, i) => run(entries[i]!, vc.q));
    report[v] = { total: res.length, found: res.filter((c) => c.found).length };
    for (const c of res.filter((x) => !x.found)) miss(c, v);
  }
  return report;
}

const pct = (c: number, t: number) => (t ? `${((100 * c) / t).toFixed(1)}%` : '—');

/** The report's own section; misses (the archive's own entries, not a sealed set) with `verbose`. */
export function formatCommunity(r: CommunityReport, verbose = false): string {
  if (!r.archive)
    return 'community entries: none (no archive: --archive <data dir> or ARCHIEFBOT_DATA_DIR names one)';
  if (!r.entries) return `community entries: 0 (the archive in ${r.archive} has no approved entries in use)`;
  const lines = [
    `community entries (${r.archive}): ${r.entries}, found ${r.found} (${pct(r.found, r.entries)}), with context ${r.context.found}/${r.context.total} (${pct(r.context.found, r.context.total)}), with greetings ${r.greetings.found}/${r.greetings.total} (${pct(r.greetings.found, r.greetings.total)})`,
    `  ${r.suggestions} approved suggestions, ${r.expertAnswers} experts' answers; found as the whole answer ${r.alone}, beside a rule-based decision ${r.found - r.alone}`,
  ];
  if (verbose)
    for (const m of r.misses)
      lines.push(`    ✗ #${m.id} (${m.variant}) ${m.q}\n      got: ${m.got.slice(0, 160)}`);
  return lines.join('\n');
}
