/**
 * What the chat needs from the layers below, as interfaces (the composition roots wire the real ones).
 * The monitor answers with data; the chat renders it in the asker's language.
 */
import type { Archive } from '../store/archive.ts';
import type { ReplyTarget } from './chat.ts';
import type { Lang, Reply } from './reply.ts';
import type { Role } from './roles.ts';

/** Watching accounts (src/monitor/service.ts implements it; the backfill runs in the queue). */
export interface MonitorService {
  /**
   * Queues watching an account; the answer when its backfill is done goes to `replyTo` through the
   * outbox. Throws a CaptureError or UsageError (with a catalogue key) for input that is no account.
   */
  watch(input: string, ctx: { by: string; replyTo: ReplyTarget; lang: Lang }): Promise<{ url: string }>;
  /** Stops watching; `handle` is null when the account was not being watched. */
  unwatch(input: string, ctx: { by: string }): Promise<{ handle: string | null }>;
}

/**
 * The klankbordgroep's actions (`kb <action> …`); src/chat/commands/kb.ts parses them. From `open` on:
 * the knowledge community's (src/chat/community.ts; `unhelpful` is the "this did not help" button).
 */
export type KbAction =
  | 'suggest'
  | 'pending'
  | 'approve'
  | 'reject'
  | 'open'
  | 'answer'
  | 'pass'
  | 'rules'
  | 'expert'
  | 'retire'
  | 'digest'
  | 'unhelpful';

/** The knowledge base as the chat sees it (src/chat/knowledge.ts over src/kb). */
export interface KnowledgeService {
  /** Answers a question (or a follow-up button, `#v<id> <option>`), with verdict, rules and sources. */
  ask(
    question: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; replyTo?: ReplyTarget },
  ): Promise<Reply>;
  /** Runs one klankbordgroep action; `args` is what follows its keyword; `roles`: the user's, where they act. */
  kb(
    action: KbAction,
    args: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; roles?: Role[] },
  ): Promise<Reply>;
}
