/**
 * `archiefbot kb suggest | approve | reject | pending`: the klankbordgroep's entries, in the archive's
 * database (every change audited). And the knowledge community (issue 18): `kb open | answer | rules |
 * expert add | retire | digest`, with `--as <platform>:<user>` for the operator acting for someone
 * (audited as that user, with the operator beside them).
 */
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import type { Archive } from '../../store/archive.ts';
import type { KbEntry } from '../../store/knowledge.ts';
import type { Actor } from '../../usecases/community.ts';
import { type CliContext, checkChatUser, localUser, withArchive } from '../context.ts';

/** What the kb sub-commands run on, loaded when one runs, not when they are described (issue 16). */
async function kbModules() {
  const [{ Roles }, { parseSuggestion, suggestEntry }, { FourEyesError }, knowledge, community] =
    await Promise.all([
      import('../../chat/roles.ts'),
      import('../../kb/community.ts'),
      import('../../store/community.ts'),
      import('../../store/knowledge.ts'),
      import('../../usecases/community.ts'),
    ]);
  const { approveEntry, KnowledgeError, pendingEntries, rejectEntry } = knowledge;
  return {
    Roles,
    parseSuggestion,
    suggestEntry,
    FourEyesError,
    approveEntry,
    KnowledgeError,
    pendingEntries,
    rejectEntry,
    ...community,
  };
}
type KbModules = Awaited<ReturnType<typeof kbModules>>;

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
  work: (archive: Archive, m: KbModules) => Promise<T>,
): Promise<T> {
  const m = await kbModules();
  const { FourEyesError, KnowledgeError } = m;
  try {
    return await withArchive(ctx.config(), (archive) => work(archive, m));
  } catch (err) {
    if (err instanceof FourEyesError)
      return ctx.fail(json, { code: 'four-eyes', message: err.message }, err.message);
    if (!(err instanceof KnowledgeError)) throw err;
    if (err.code === 'invalid') throw new UsageError(err.message);
    return ctx.fail(json, { code: err.code, message: err.message }, err.message);
  }
}

export function register(program: Command, ctx: CliContext): void {
  const kb = program
    .command('kb')
    .description('the klankbordgroep’s entries and the knowledge community’s open questions (all audited)')
    .addHelpText(
      'after',
      `
Approved entries join the answers of "ask", with who suggested and approved them and when.
Examples:
  archiefbot kb suggest "Moeten we Teams-chats bewaren? | Ja, als ze zakelijk zijn (chatregime). | https://www.acoi.nl/adviezen/chatberichten/"
  archiefbot kb pending
  archiefbot kb approve 3 --as expert@example.org
  archiefbot kb reject 4 "dubbel met #3" --as expert@example.org
The knowledge community (questions the knowledge base could not answer, put to the experts):
  archiefbot kb open
  archiefbot kb answer 2 "Bel de Woo-helpdesk van je ministerie. | https://open.overheid.nl" --as teams:3f2b9c1e-…
  archiefbot kb approve 5 --as slack:U0123ABCD      (a second expert; the askers are told in their threads)
  archiefbot kb digest --since 30d --json`,
    );

  kb.command('suggest')
    .description('suggest an entry: <question> | <answer> [| source]; it waits for an expert')
    .argument('<text...>', 'question | answer [| source URL or title]')
    .option('--as <user>', 'who suggests it (the audit log and the attribution)', localUser())
    .option('--json', 'print one JSON document instead of text')
    .action(async (words: string[], opts: { as: string; json?: boolean }) => {
      const { parseSuggestion } = await kbModules();
      const s = parseSuggestion(words.join(' '));
      const e = await change(ctx, opts.json, (a, m) => m.suggestEntry(a.db, { ...s, author: opts.as }));
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
      const list = await change(ctx, opts.json, (a, m) => m.pendingEntries(a.db));
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
      const e = await change(ctx, opts.json, async (a, m) => {
        // An expert's answer to an open question: four eyes, and the askers are told (by serve).
        if (!(await m.isExpertAnswer(a, n))) return m.approveEntry(a.db, n, opts.as);
        return (await m.approveQuestionAnswer(a, n, actor(ctx, m, opts.as, 'expert')))!.entry;
      });
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
      const why = reason.join(' ');
      const e = await change(ctx, opts.json, async (a, m) => {
        if (!(await m.isExpertAnswer(a, n))) return m.rejectEntry(a.db, n, opts.as, why);
        return (await m.rejectQuestionAnswer(a, n, why, actor(ctx, m, opts.as, 'expert')))!.entry;
      });
      ctx.print(opts.json, e, () => `Rejected #${e.id}: ${e.reason}`);
    });
  registerCommunity(kb, ctx);
}

/**
 * Who acts: the `--as` user (`platform:user`, who must hold `role` in roles.yaml) with the operator
 * beside them in the audit log, or the operator themself (the shell is admin).
 */
function actor(
  ctx: CliContext,
  m: Pick<KbModules, 'Roles'>,
  as: string | undefined,
  role: 'expert' | 'leader',
): Actor {
  const operator = localUser();
  if (!as || as === operator) return { by: operator };
  checkChatUser(as);
  if (!m.Roles.load(ctx.env).holds(as, role))
    throw new UsageError(`${as} does not hold the role ${role}`, 'community.as-no-role', { user: as, role });
  return { by: as, operator };
}

const AS = [
  '--as <platform:user>',
  'act for this chat user (slack:U0123ABCD); audited as them, with you as operator',
] as const;

function registerCommunity(kb: Command, ctx: CliContext): void {
  kb.command('open')
    .description('list the open questions: what the knowledge base could not answer, most asked first')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      const list = await change(ctx, opts.json, (a, m) => m.openQuestions(a));
      ctx.print(opts.json, { open: list }, () =>
        list.length
          ? list.map((q) => `${q.id} (${q.asked}x, ${q.topic ?? '-'}, ${q.status}) ${q.question}`).join('\n')
          : ctx.say('community.open-none'),
      );
    });

  kb.command('answer')
    .description(
      'answer an open question as an expert: <id> <answer> [| source]; a second expert approves it',
    )
    .argument('<id>', 'the open question (see: archiefbot kb open)')
    .argument('<text...>', 'answer [| source URL or title]')
    .option(...AS)
    .option('--json', 'print one JSON document instead of text')
    .action(async (id: string, words: string[], opts: { as?: string; json?: boolean }) => {
      const n = entryId(id);
      const r = await change(ctx, opts.json, (a, m) =>
        m.answerQuestion(a, n, words.join(' '), actor(ctx, m, opts.as, 'expert')),
      );
      ctx.print(opts.json, r, () =>
        ctx.say('community.answered', {
          id: r.open.id,
          entry: r.entry.id,
          approve: `archiefbot kb approve ${r.entry.id}`,
        }),
      );
    });

  kb.command('rules')
    .description('show the house rules of the knowledge community; with text, set them (the leader)')
    .argument('[text...]', 'the new house rules')
    .option(...AS)
    .option('--json', 'print one JSON document instead of text')
    .action(async (words: string[], opts: { as?: string; json?: boolean }) => {
      const text = words.join(' ').trim();
      const r = await change(ctx, opts.json, async (a, m) => {
        if (text) await m.setRules(a, text, actor(ctx, m, opts.as, 'leader'));
        return m.rules(a);
      });
      const shown = r?.text ?? ctx.say('community.rules-default');
      ctx.print(opts.json, { rules: shown, by: r?.by ?? null, at: r?.at ?? null }, () => shown);
    });

  kb.command('expert')
    .description('the leader assigns an expert to a topic: expert add <platform:user> <topic>')
    .argument('<verb>', 'add')
    .argument('<user>', 'platform:user, as in roles.yaml')
    .argument('<topic>', 'the topic (woo, avg, selectielijst, …)')
    .option(...AS)
    .action(async (verb: string, user: string, topic: string, opts: { as?: string }) => {
      if (verb !== 'add' || !/^[a-z]+:\S+$/.test(user))
        throw new UsageError('kb expert add <platform:user> <topic>', 'community.expert-usage');
      const added = await change(ctx, false, (a, m) =>
        m.addExpert(a, user, topic, actor(ctx, m, opts.as, 'leader')),
      );
      ctx.io.out(
        ctx.say(added ? 'community.expert-added' : 'community.expert-already', { expert: user, topic }),
      );
    });

  kb.command('retire')
    .description('retire an approved entry (the leader): kept with its history, left out of the answers')
    .argument('<id>', 'the entry number')
    .argument('[reason...]', 'why')
    .option(...AS)
    .action(async (id: string, reason: string[], opts: { as?: string }) => {
      const n = entryId(id);
      const e = await change(ctx, false, (a, m) =>
        m.retire(a, n, reason.join(' ') || null, actor(ctx, m, opts.as, 'leader')),
      );
      ctx.io.out(ctx.say('community.retired', { entry: e.id }));
    });

  kb.command('digest')
    .description(
      'what the knowledge community learned: questions asked, answered by the guidance or experts, open',
    )
    .option('--since <period>', 'from this long ago (30d, 12h, 2w) or this date', '30d')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { since: string; json?: boolean }) => {
      const { parseSince } = await kbModules();
      const since = parseSince(opts.since);
      if (!since)
        throw new UsageError(`"${opts.since}" is not a period`, 'community.since-bad', { value: opts.since });
      const d = await change(ctx, opts.json, (a, m) => m.digest(a, since));
      ctx.print(opts.json, d, () =>
        [
          ctx.say('community.digest-title', { since: d.since.slice(0, 10) }),
          `${ctx.say('community.digest-asked')}: ${d.asked}`,
          `${ctx.say('community.digest-guidance')}: ${d.answeredByGuidance}`,
          `${ctx.say('community.digest-experts')}: ${d.answeredByExperts}`,
          `${ctx.say('community.digest-open')}: ${d.open}`,
          `${ctx.say('community.digest-median')}: ${d.medianHoursToAnswer === null ? ctx.say('community.digest-none') : ctx.say('community.digest-hours', { h: d.medianHoursToAnswer })}`,
          ...(d.topOpen.length
            ? [
                ctx.say('community.digest-top'),
                ...d.topOpen.map((q) => `  ${ctx.say('community.digest-top-line', q)}`),
              ]
            : []),
          ...(d.unhelpful.length
            ? [
                ctx.say('community.digest-unhelpful'),
                ...d.unhelpful.map((u) => `  ${ctx.say('community.digest-unhelpful-line', u)}`),
              ]
            : []),
        ].join('\n'),
      );
    });
}
