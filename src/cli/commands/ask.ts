import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import type { Lang } from '../../domain/types.ts';
import type { Answer } from '../../kb/answer.ts';
import type { ApprovedEntry } from '../../kb/retrieve.ts';
import { type CliContext, checkChatUser, localUser, withArchive } from '../context.ts';

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
async function community(
  ctx: CliContext,
): Promise<{ community: ApprovedEntry[]; answered?: ReadonlySet<number>; nameOf?: (id: string) => string }> {
  const config = ctx.config();
  if (!existsSync(path.join(config.dataDir, 'archiefbot.db'))) return { community: [] };
  const [{ Roles }, { activeEntries, answeredEntryIds }] = await Promise.all([
    import('../../chat/roles.ts'),
    import('../../store/community.ts'),
  ]);
  const roles = Roles.load(ctx.env);
  return withArchive(config, async (a) => ({
    community: await activeEntries(a.db),
    answered: await answeredEntryIds(a.db),
    nameOf: (id: string) => roles.nameOf(id),
  }));
}

/**
 * `ask … --feedback yes|no` (issue 18): the question is recorded for the knowledge community as asked
 * by `--as` (or the operator); `no` (or an answer the knowledge base is unsure of) makes it an open
 * question for the experts. Returns the answer and the open question's id, if any.
 */
async function askWithFeedback(
  ctx: CliContext,
  question: string,
  opts: { lang?: Lang; feedback: 'yes' | 'no'; as?: string },
): Promise<{ answer: Answer; open: number | null }> {
  if (opts.as) checkChatUser(opts.as);
  const [{ Roles }, { answerDidNotHelp, answerWithCommunity, recordQuestion }] = await Promise.all([
    import('../../chat/roles.ts'),
    import('../../usecases/community.ts'),
  ]);
  const roles = Roles.load(ctx.env);
  const dir = { experts: () => roles.experts(), nameOf: (id: string) => roles.nameOf(id) };
  const asker = opts.as ?? localUser();
  return withArchive(ctx.config(), async (archive) => {
    const answer = await answerWithCommunity(
      archive,
      question,
      opts.lang ? { language: opts.lang } : {},
      dir,
    );
    const r = await recordQuestion(archive, { question, answer, asker, target: null }, dir);
    if (r.opened) return { answer, open: r.opened.open.id };
    if (opts.feedback === 'yes') return { answer, open: null };
    const opened = await answerDidNotHelp(
      archive,
      r.ask.id,
      { by: asker, ...(opts.as ? { operator: localUser() } : {}) },
      dir,
    );
    return { answer, open: opened.open.id };
  });
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
    .addOption(
      new Option(
        '--feedback <yes|no>',
        'record the question for the knowledge community; "no": the answer did not help, put it to the experts',
      ).choices(['yes', 'no']),
    )
    .option('--as <platform:user>', 'with --feedback: who asked (a chat user, slack:U0123ABCD); default: you')
    .action(
      async (
        words: string[],
        opts: { json?: boolean; lang?: Lang; feedback?: 'yes' | 'no'; as?: string },
      ) => {
        const { askWithCommunity } = await import('../../kb/community.ts');
        const options = { ...(await community(ctx)), ...(opts.lang ? { language: opts.lang } : {}) };
        const question = words.join(' ').trim();
        if (question && opts.feedback) {
          const r = await askWithFeedback(ctx, question, { ...opts, feedback: opts.feedback });
          ctx.print(opts.json, { ...answerJson(r.answer), openQuestion: r.open }, () =>
            [
              formatAnswer(r.answer),
              ...(r.open ? ['', ctx.say('community.cli-open', { id: r.open })] : []),
            ].join('\n'),
          );
          return;
        }
        if (question) {
          const a = askWithCommunity(question, options);
          ctx.print(opts.json, answerJson(a), () => formatAnswer(a));
          return;
        }
        if (!ctx.stdinLines && process.stdin.isTTY) ctx.io.err(ctx.say('cli.ask-stdin'));
        let asked = 0;
        for await (const line of (ctx.stdinLines ?? stdinLines)()) {
          if (!line.trim()) continue;
          const a = askWithCommunity(line, options);
          ctx.io.out(opts.json ? JSON.stringify(answerJson(a)) : formatAnswerLine(a));
          asked++;
        }
        // Nothing asked at all (no argument, nothing on stdin): say what to do, as bad usage.
        if (!asked)
          throw new UsageError('no question: give one, or one per line on stdin', 'cli.ask-nothing');
      },
    );
}
