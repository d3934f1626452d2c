/**
 * The knowledge-base commands: `archiefbot ask` (one question, or one per line on stdin) and
 * `archiefbot kb suggest | approve | reject | pending` (klankbordgroep entries, in the archive's database).
 */

import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Command, CommanderError, Option } from 'commander';
import type { Config } from '../config.ts';
import { UsageError } from '../domain/errors.ts';
import { type Answer, ask } from '../kb/answer.ts';
import { parseSuggestion, suggestEntry } from '../kb/community.ts';
import type { Lang } from '../kb/content.ts';
import type { ApprovedEntry } from '../kb/retrieve.ts';
import { Archive } from '../store/archive.ts';
import {
  approvedEntries,
  approveEntry,
  type KbEntry,
  KnowledgeError,
  pendingEntries,
  rejectEntry,
} from '../store/knowledge.ts';

export interface KbCliDeps {
  io: { out: (text: string) => void; err: (text: string) => void };
  config: () => Config;
  /** Questions for `ask` without an argument, one per line (default: stdin). */
  stdinLines?: () => AsyncIterable<string>;
  /**
   * The error to throw so that main() ends with this exit code after the command has said why (src/cli.ts
   * can pass `(code) => new Exit(code)`). Without it a failed kb command throws a CommanderError, which
   * main() maps to exit 2.
   */
  fail?: (code: 1) => Error;
}

function localUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** The answer as the JSON contract of `ask --json` has it. */
export function answerJson(a: Answer) {
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
export function formatAnswer(a: Answer): string {
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
export function formatAnswerLine(a: Answer): string {
  const extra = [
    a.rules.length ? `rules ${a.rules.join(',')}` : '',
    a.sources.length ? `sources ${a.sources.map((s) => s.url).join(' ')}` : '',
    a.followUp ? `ask: ${a.followUp}` : '',
  ].filter(Boolean);
  return `${a.verdict}\t${a.answer}${extra.length ? `\t${extra.join('\t')}` : ''}`;
}

/** Splits `<question> | <answer> [| source]`. */
function entryId(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${value}" is not an entry number (see: archiefbot kb pending)`);
  return n;
}

export function formatEntry(e: KbEntry): string {
  const head = `#${e.id} [${e.status}] ${e.question}`;
  const lines = [head, `    ${e.answer}`];
  if (e.source) lines.push(`    source: ${e.source}`);
  lines.push(`    suggested by ${e.author} on ${e.createdAt.slice(0, 10)}`);
  if (e.reviewer)
    lines.push(
      `    ${e.status} by ${e.reviewer} on ${e.reviewedAt?.slice(0, 10)}${e.reason ? `: ${e.reason}` : ''}`,
    );
  return lines.join('\n');
}

async function* stdinLines(): AsyncIterable<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) yield line;
}

/** Registers the knowledge-base commands (`ask`, `kb …`) on the CLI. */
export function registerKbCommands(program: Command, deps: KbCliDeps): void {
  const { io } = deps;
  const print = (json: boolean | undefined, data: unknown, text: () => string) =>
    io.out(json ? JSON.stringify(data, null, 2) : text());

  /** Approved community entries, when the archive exists (asking never creates one). */
  async function community(): Promise<ApprovedEntry[]> {
    const config = deps.config();
    if (!existsSync(path.join(config.dataDir, 'archiefbot.db'))) return [];
    return withArchive(config, (a) => approvedEntries(a.db));
  }

  async function withArchive<T>(config: Config, work: (archive: Archive) => Promise<T>): Promise<T> {
    const archive = await Archive.open(config.dataDir, config.warc);
    try {
      return await work(archive);
    } finally {
      await archive.close();
    }
  }

  /** Runs a kb change; a KnowledgeError is said on one line and ends the command with exit 1. */
  async function change<T>(json: boolean | undefined, work: (archive: Archive) => Promise<T>): Promise<T> {
    try {
      return await withArchive(deps.config(), work);
    } catch (err) {
      if (!(err instanceof KnowledgeError)) throw err;
      if (err.code === 'invalid') throw new UsageError(err.message);
      if (json) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }));
      io.err(err.message);
      throw deps.fail?.(1) ?? new CommanderError(1, 'archiefbot.kb.failed', err.message);
    }
  }

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
      const entries = await community();
      const options = { community: entries, ...(opts.lang ? { language: opts.lang } : {}) };
      const question = words.join(' ').trim();
      if (question) {
        const a = ask(question, options);
        print(opts.json, answerJson(a), () => formatAnswer(a));
        return;
      }
      if (!deps.stdinLines && process.stdin.isTTY) io.err('One question per line; end with Ctrl-D.');
      for await (const line of (deps.stdinLines ?? stdinLines)()) {
        if (!line.trim()) continue;
        const a = ask(line, options);
        io.out(opts.json ? JSON.stringify(answerJson(a)) : formatAnswerLine(a));
      }
    });

  const kb = program
    .command('kb')
    .description(
      'the klankbordgroep’s entries: suggest one, list what waits, approve or reject (all audited)',
    )
    .addHelpText(
      'after',
      `
Approved entries join the answers of "ask", with who suggested and approved them and when.
Examples:
  archiefbot kb suggest "Moeten we Teams-chats bewaren? | Ja, als ze zakelijk zijn (chatregime). | https://www.acoi.nl/adviezen/chatberichten/"
  archiefbot kb pending
  archiefbot kb approve 3 --as expert@example.org
  archiefbot kb reject 4 "dubbel met #3" --as expert@example.org`,
    );

  kb.command('suggest')
    .description('suggest an entry: <question> | <answer> [| source]; it waits for an expert')
    .argument('<text...>', 'question | answer [| source URL or title]')
    .option('--as <user>', 'who suggests it (the audit log and the attribution)', localUser())
    .option('--json', 'print one JSON document instead of text')
    .action(async (words: string[], opts: { as: string; json?: boolean }) => {
      const s = parseSuggestion(words.join(' '));
      const e = await change(opts.json, (a) => suggestEntry(a.db, { ...s, author: opts.as }));
      print(
        opts.json,
        e,
        () => `Suggested as #${e.id}; it waits for an expert (archiefbot kb approve ${e.id}).`,
      );
    });

  kb.command('pending')
    .description('list the entries waiting for an expert')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      const list = await change(opts.json, (a) => pendingEntries(a.db));
      print(opts.json, { pending: list }, () =>
        list.length ? list.map(formatEntry).join('\n') : 'Nothing waits for review.',
      );
    });

  kb.command('approve')
    .description('approve a pending entry: it joins the answers')
    .argument('<id>', 'the entry number (#3 or 3)')
    .option('--as <user>', 'the expert who approves it', localUser())
    .option('--json', 'print one JSON document instead of text')
    .action(async (id: string, opts: { as: string; json?: boolean }) => {
      const n = entryId(id);
      const e = await change(opts.json, (a) => approveEntry(a.db, n, opts.as));
      print(opts.json, e, () => `Approved #${e.id}: it is now part of the answers.`);
    });

  kb.command('reject')
    .description('reject a pending entry, with the reason')
    .argument('<id>', 'the entry number')
    .argument('<reason...>', 'why it is rejected (shown to the author)')
    .option('--as <user>', 'the expert who rejects it', localUser())
    .option('--json', 'print one JSON document instead of text')
    .action(async (id: string, reason: string[], opts: { as: string; json?: boolean }) => {
      const n = entryId(id);
      const e = await change(opts.json, (a) => rejectEntry(a.db, n, opts.as, reason.join(' ')));
      print(opts.json, e, () => `Rejected #${e.id}: ${e.reason}`);
    });

  // main() sets exitOverride on top-level commands only; the nested ones need it too, so a usage error
  // there is a CommanderError (exit 2), not process.exit.
  for (const c of kb.commands)
    c.exitOverride().showHelpAfterError(`(run "archiefbot kb ${c.name()} --help" for usage)`);
}
