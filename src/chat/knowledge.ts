import { UsageError } from '../domain/errors.ts';
import { t } from '../domain/i18n.ts';
import type { PostKind } from '../domain/types.ts';
import { parseSuggestion, suggestEntry } from '../kb/community.ts';
import type { Facts } from '../kb/facts.ts';
import { type Answer, ask, factsFromPost, roleOfAccount } from '../kb/index.ts';
import type { Archive } from '../store/archive.ts';
import { activeEntries } from '../store/community.ts';
import type { Db } from '../store/db.ts';
import { getFollowUp, saveFollowUp } from '../store/followups.ts';
import {
  approveEntry,
  getEntry,
  KnowledgeError,
  MAX_ANSWER,
  MAX_QUESTION,
  pendingEntries,
  rejectEntry,
} from '../store/knowledge.ts';
import { findPostId } from '../store/queries.ts';
import type { ReplyTarget } from './chat.ts';
import { commandLine } from './command.ts';
import { ask as askCommand } from './commands/ask.ts';
import { approveCommand } from './commands/kb.ts';
import type { ChatCommunity } from './community.ts';
import { type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';
import type { Role } from './roles.ts';
import type { KbAction, KnowledgeService } from './services.ts';
import { term } from './text.ts';

const URL_IN_TEXT = /<?(https?:\/\/[^\s>|]+)[^\s>]*>?/;
/** A follow-up button's question: `#v<id> <option>`. */
const FOLLOW_UP = /^#v([a-z0-9]+)\s+(\d+)$/i;

/**
 * The knowledge base in chat: answers with verdict, rules and sources, follow-up questions as
 * buttons (kept in the archive, so a button still works after a restart), "moet ik dit archiveren?
 * <url>" answered for that archived post, and the klankbordgroep.
 */
export class ChatKnowledge implements KnowledgeService {
  /** `community`: the knowledge community (issue 18: open questions, experts), where serve wires it. */
  constructor(private readonly community?: ChatCommunity) {}

  async ask(
    question: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; replyTo?: ReplyTarget },
  ): Promise<Reply> {
    const db = ctx.archive.db;
    const community = await activeEntries(db);
    const pick = FOLLOW_UP.exec(question.trim());
    if (pick) {
      const f = await getFollowUp(db, pick[1]!);
      const option = f?.options[Number(pick[2]) - 1];
      if (!f || !option) throw new UsageError('unknown follow-up question', 'kb.followup-unknown');
      const facts = { ...f.facts, ...option } as Partial<Facts>;
      return this.render(db, f.question, ask(f.question, { facts, community }), facts);
    }
    let facts: Partial<Facts> = {};
    let note: string | null = null;
    let text = question;
    const url = URL_IN_TEXT.exec(question)?.[1];
    if (url) {
      text = question.replace(URL_IN_TEXT, ' ').replace(/\s+/g, ' ').trim();
      const post = await postFacts(ctx.archive, url);
      if (post) {
        facts = factsFromPost(post.facts);
        note = t(lang, 'kb.about-post', {
          id: post.id,
          ...post.description,
          kind: term(lang, 'post-kind', post.description.kind),
        });
      } else {
        note = t(lang, 'kb.post-not-archived', { url });
      }
    }
    // Issue 18: with the community, the experts' answers join in, and an unknown or unsure answer becomes an open question.
    if (!this.community) return this.render(db, text, ask(text, { facts, community }), facts, note);
    const a = await this.community.answer(ctx.archive, text, { facts });
    const reply = await this.render(db, text, a, facts, note);
    return this.community.afterAnswer(
      ctx.archive,
      { question: text, answer: a, asker: ctx.user, target: ctx.replyTo },
      reply,
    );
  }

  private async render(
    db: Db,
    question: string,
    a: Answer,
    facts: Partial<Facts>,
    note: string | null = null,
  ): Promise<Reply> {
    const lang = a.language;
    const b = new ReplyBuilder().header(term(lang, 'kb.verdict', a.verdict));
    if (note) b.context(note);
    b.section(a.answer);
    if (a.rules.length) b.section('', [[t(lang, 'label.rules'), a.rules.join(', ')]]);
    if (a.sources.length)
      b.section(
        `${t(lang, 'label.sources')}:\n${a.sources.map((s) => `• ${s.title} — ${s.url}`).join('\n')}`,
      );
    if (a.inference) b.context(t(lang, 'kb.inference'));
    if (a.followUp) b.section(`*${a.followUp}*`);
    if (a.followUp && a.followUpOptions?.length && a.followUpFacts?.length) {
      const id = await saveFollowUp(db, { question, facts, options: a.followUpFacts, lang });
      b.buttons(
        a.followUpOptions.map((label, i) => ({
          label,
          command: commandLine(lang, askCommand.spec, `#v${id}`, i + 1),
        })),
      );
    }
    return b.build();
  }

  async kb(
    action: KbAction,
    args: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; roles?: Role[] },
  ): Promise<Reply> {
    try {
      const answered = await this.community?.kb(action, args, lang, ctx); // issue 18: the community's sub-commands
      if (answered) return answered;
      switch (action) {
        case 'suggest':
          return await suggest(ctx.archive.db, args, lang, ctx.user);
        case 'pending':
          return await pending(ctx.archive.db, lang);
        case 'approve': {
          const e = await approveEntry(ctx.archive.db, entryId(args.trim()), ctx.user);
          return textReply(t(lang, 'kb.approved', { id: e.id }));
        }
        case 'reject': {
          const [id = '', ...why] = args.trim().split(/\s+/);
          const reason = why.join(' ').trim();
          if (!reason) throw new UsageError('give a reason: kb reject <number> <reason>', 'kb.reject-reason');
          const e = await rejectEntry(ctx.archive.db, entryId(id), ctx.user, reason);
          return textReply(t(lang, 'kb.rejected', { id: e.id, reason }));
        }
        default:
          return textReply(t(lang, 'kb.unavailable'));
      }
    } catch (err) {
      if (err instanceof KnowledgeError) throw await knowledgeProblem(ctx.archive.db, err, args);
      throw err;
    }
  }
}

async function suggest(db: Db, args: string, lang: Lang, user: string): Promise<Reply> {
  let s: ReturnType<typeof parseSuggestion>;
  try {
    s = parseSuggestion(args);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, 'kb.suggest-usage');
    throw err;
  }
  const e = await suggestEntry(db, { ...s, author: user });
  return textReply(t(lang, 'kb.suggested', { id: e.id, approve: approveCommand(e.id, lang) }));
}

async function pending(db: Db, lang: Lang): Promise<Reply> {
  const list = await pendingEntries(db);
  if (!list.length) return textReply(t(lang, 'kb.none-pending'));
  const b = new ReplyBuilder().header(t(lang, 'kb.pending', { n: list.length }));
  for (const e of list.slice(0, 10)) {
    const source = e.source ? `\n${t(lang, 'label.source')}: ${e.source}` : '';
    b.section(`*#${e.id}* ${e.question}\n${e.answer}${source}\n_${e.author}, ${e.createdAt.slice(0, 10)}_`);
  }
  if (list.length > 10) b.context(t(lang, 'kb.pending-more', { n: list.length - 10 }));
  return b
    .buttons(list.slice(0, 5).map((e) => ({ label: `✓ #${e.id}`, command: approveCommand(e.id, lang) })))
    .build();
}

/** A suggestion number as typed (`3`, `#3`); a UsageError otherwise. */
function entryId(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${value}" is not a suggestion number`, 'kb.not-an-id', { value });
  return n;
}

/** A knowledge-base refusal (unknown entry, already reviewed, empty or too long) as a UsageError with its sentence. */
async function knowledgeProblem(db: Db, err: KnowledgeError, args: string): Promise<UsageError> {
  const id = Number(args.trim().split(/\s+/)[0]?.replace(/^#/, ''));
  if (err.code === 'not-found') return new UsageError(err.message, 'kb.not-found', { id });
  if (err.code === 'already-reviewed') {
    const e = await getEntry(db, id);
    return new UsageError(
      err.message,
      e?.status === 'approved' ? 'kb.already-approved' : 'kb.already-rejected',
      {
        id,
        who: e?.reviewer ?? '?',
        date: e?.reviewedAt?.slice(0, 10) ?? '?',
      },
    );
  }
  return new UsageError(err.message, 'kb.invalid', { question: MAX_QUESTION, answer: MAX_ANSWER });
}

/** The facts of an archived post that the knowledge base decides on: platform, kind, the account's role. */
async function postFacts(archive: Archive, url: string) {
  const id = await findPostId(archive.db, url);
  if (id === undefined) return null;
  const row = await archive.db.get<{
    platform: string;
    kind: PostKind;
    role: string | null;
    handle: string | null;
  }>(
    'SELECT p.platform, p.kind, a.role, a.handle FROM post p LEFT JOIN account a ON a.id = p.account_id WHERE p.id = ?',
    [id],
  );
  if (!row) return null;
  return {
    id,
    facts: { platform: row.platform, kind: row.kind, accountRole: roleOfAccount(row.role) },
    description: {
      platform: row.platform,
      kind: row.kind,
      handle: row.handle ?? '?',
      role: row.role ?? 'other',
    },
  };
}
