import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import type { Lang } from '../../domain/types.ts';
import { type Answer, ask } from '../../kb/answer.ts';
import type { ApprovedEntry } from '../../kb/retrieve.ts';
import { approvedEntries } from '../../store/knowledge.ts';
import { type CliContext, withArchive } from '../context.ts';

/** The answer as the JSON contract of `ask --json` has it. */
function answerJson(a: Answer) {
  return {
    verdict: a.verdict,
    answer: a.answer,
    language: a.language,
    rules: a.rules,
    sources: a.sources.map((s) => ({ title: s.title, url: s.url })),
    ...(a.followUp ? { followUp: a.followUp } : {}),
    inference: a.inference,
  };
}

/** The answer for people: verdict and explanation, the follow-up question, rules and sources. */
function formatAnswer(a: Answer): string {
  const lines = [`${a.verdict}: ${a.answer}`];
  if (a.followUp) lines.push('', `${a.followUp}  [${(a.followUpOptions ?? []).join(' | ')}]`);
  if (a.rules.length) lines.push('', `rules: ${a.rules.join(', ')}`);
  if (a.sources.length) {
    lines.push(a.language === 'nl' ? 'bronnen:' : 'sources:');
    for (const s of a.sources) lines.push(`  - ${s.title}\n    ${s.url}`);
  }
  return lines.join('\n');
}

/** One line per answer, for the stdin mode without --json. */
function formatAnswerLine(a: Answer): string {
  const extra = [
    a.rules.length ? `rules ${a.rules.join(',')}` : '',
    a.sources.length ? `sources ${a.sources.map((s) => s.url).join(' ')}` : '',
    a.followUp ? `ask: ${a.followUp}` : '',
  ].filter(Boolean);
  return `${a.verdict}\t${a.answer}${extra.length ? `\t${extra.join('\t')}` : ''}`;
}

async function* stdinLines(): AsyncIterable<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

/** Approved community entries, when the archive exists (asking never creates one). */
async function community(ctx: CliContext): Promise<ApprovedEntry[]> {
  const config = ctx.config();
  if (!existsSync(path.join(config.dataDir, 'archiefbot.db'))) return [];
  return withArchive(config, (a) => approvedEntries(a.db));
}

/** `archiefbot ask [question…]`: "must I archive this?" and other questions, with rules and sources. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('ask')
    .description(
      'answer "must I archive this?" and other questions on archiving government social media, with sources',
    )
    .argument('[question...]', 'the question (Dutch or English); without it, one question per line on stdin')
    .option('--json', 'print JSON: one document, or one line per question when reading stdin')
    .addOption(
      new Option('--lang <language>', 'answer in this language (default: the question’s)').choices([
        'nl',
        'en',
      ]),
    )
    .addHelpText(
      'after',
      `
Verdicts: archive, do-not-archive, depends (with the question that decides it), info (a factual answer),
unknown (outside the knowledge base: ask your records manager). Every verdict on archiving names its
rules (R1-R18) and sources; an answer that rests on an inference says so.
Examples:
  archiefbot ask "Moet ik de berichten van het corporate X-account van mijn ministerie archiveren?"
  archiefbot ask --json "Which capture technique gets comments but no images?"
  archiefbot ask --json < questions.txt          (one JSON answer per line)`,
    )
    .action(async (words: string[], opts: { json?: boolean; lang?: Lang }) => {
      const options = { community: await community(ctx), ...(opts.lang ? { language: opts.lang } : {}) };
      const question = words.join(' ').trim();
      if (question) {
        const a = ask(question, options);
        ctx.print(opts.json, answerJson(a), () => formatAnswer(a));
        return;
      }
      if (!ctx.stdinLines && process.stdin.isTTY) ctx.io.err(ctx.say('cli.ask-stdin'));
      let asked = 0;
      for await (const line of (ctx.stdinLines ?? stdinLines)()) {
        if (!line.trim()) continue;
        const a = ask(line, options);
        ctx.io.out(opts.json ? JSON.stringify(answerJson(a)) : formatAnswerLine(a));
        asked++;
      }
      // Nothing asked at all (no argument, nothing on stdin): say what to do, as bad usage.
      if (!asked) throw new UsageError('no question: give one, or one per line on stdin', 'cli.ask-nothing');
    });
}
