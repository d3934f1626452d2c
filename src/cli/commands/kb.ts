/**
 * `archiefbot kb suggest | approve | reject | pending`: the klankbordgroep's entries, in the archive's
 * database (every change audited).
 */
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import { parseSuggestion, suggestEntry } from '../../kb/community.ts';
import type { Archive } from '../../store/archive.ts';
import {
  approveEntry,
  type KbEntry,
  KnowledgeError,
  pendingEntries,
  rejectEntry,
} from '../../store/knowledge.ts';
import { type CliContext, localUser, withArchive } from '../context.ts';

function entryId(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      `"${value}" is not an entry number (see: archiefbot kb pending)`,
      'cli.kb-entry-id',
      { value },
    );
  return n;
}

function formatEntry(e: KbEntry): string {
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

/** Runs a kb change; a KnowledgeError is said on one line and ends the command with exit 1. */
async function change<T>(
  ctx: CliContext,
  json: boolean | undefined,
  work: (archive: Archive) => Promise<T>,
): Promise<T> {
  try {
    return await withArchive(ctx.config(), work);
  } catch (err) {
    if (!(err instanceof KnowledgeError)) throw err;
    if (err.code === 'invalid') throw new UsageError(err.message);
    return ctx.fail(json, { code: err.code, message: err.message }, err.message);
  }
}

export function register(program: Command, ctx: CliContext): void {
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
      const e = await change(ctx, opts.json, (a) => suggestEntry(a.db, { ...s, author: opts.as }));
      ctx.print(
        opts.json,
        e,
        () => `Suggested as #${e.id}; it waits for an expert (archiefbot kb approve ${e.id}).`,
      );
    });

  kb.command('pending')
    .description('list the entries waiting for an expert')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      const list = await change(ctx, opts.json, (a) => pendingEntries(a.db));
      ctx.print(opts.json, { pending: list }, () =>
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
      const e = await change(ctx, opts.json, (a) => approveEntry(a.db, n, opts.as));
      ctx.print(opts.json, e, () => `Approved #${e.id}: it is now part of the answers.`);
    });

  kb.command('reject')
    .description('reject a pending entry, with the reason')
    .argument('<id>', 'the entry number')
    .argument('<reason...>', 'why it is rejected (shown to the author)')
    .option('--as <user>', 'the expert who rejects it', localUser())
    .option('--json', 'print one JSON document instead of text')
    .action(async (id: string, reason: string[], opts: { as: string; json?: boolean }) => {
      const n = entryId(id);
      const e = await change(ctx, opts.json, (a) => rejectEntry(a.db, n, opts.as, reason.join(' ')));
      ctx.print(opts.json, e, () => `Rejected #${e.id}: ${e.reason}`);
    });
}
