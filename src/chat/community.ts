/**
 * The knowledge community in chat (issue 18): a question the knowledge base cannot answer well is
 * posted to the community channel of every platform (kb.communityChannel) for the experts of its
 * topic, with buttons to answer or pass; an expert's approved answer goes to every asker in the
 * thread where they asked, through the outbox (on whatever platform they asked). Under every other
 * answer, a "this did not help" button. The `kb open|answer|pass|rules|expert|retire|digest`
 * sub-commands, and approving or rejecting an expert's answer, run here; the monthly digest is
 * posted from `start()`.
 */
import type { Logger } from 'pino';
import { UsageError } from '../domain/errors.ts';
import { t } from '../domain/i18n.ts';
import type { Answer, AskOptions } from '../kb/index.ts';
import type { Archive } from '../store/archive.ts';
import { claimDigest, FourEyesError } from '../store/community.ts';
import { KnowledgeError } from '../store/knowledge.ts';
import { channelLanguage } from '../usecases/channel.ts';
import {
  type Actor,
  addExpert,
  answerDidNotHelp,
  answerQuestion,
  answerWithCommunity,
  approveQuestionAnswer,
  type Digest,
  type Directory,
  digest,
  firstTime,
  type Member,
  type Opened,
  openQuestions,
  parseSince,
  pass,
  recordQuestion,
  rejectQuestionAnswer,
  retire,
  rules,
  setRules,
  told,
  undelivered,
} from '../usecases/community.ts';
import type { ChatPlatform, ReplyTarget } from './chat.ts';
import { commandLine } from './command.ts';
import type { Outbox } from './outbox.ts';
import { type Button, type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';
import type { Role, Roles } from './roles.ts';
import type { KbAction } from './services.ts';
import { short } from './text.ts';

export interface CommunityOptions {
  roles: Roles;
  /** Where the bot speaks on its own initiative; absent: nothing is posted (answers still work). */
  outbox?: Outbox;
  /** The community channel per platform ("" or absent: none there). */
  channels: Partial<Record<ChatPlatform, string>>;
  log?: Logger;
}

/** The sub-commands this module runs (kb.ts declares their words and roles). */
const ACTIONS: readonly KbAction[] = [
  'open',
  'answer',
  'pass',
  'rules',
  'expert',
  'retire',
  'digest',
  'unhelpful',
];

/** The keywords of `kb` and of its sub-commands per language, for the commands on buttons and in hints. */
const KB: Record<Lang, string> = { nl: 'kb', en: 'kb' };
const WORD: Record<Lang, Record<'open' | 'answer' | 'pass' | 'approve' | 'ask', string>> = {
  nl: { open: 'open', answer: 'antwoord', pass: 'overslaan', approve: 'goedkeuren', ask: 'vraag' },
  en: { open: 'open', answer: 'answer', pass: 'pass', approve: 'approve', ask: 'ask' },
};
const cmd = (lang: Lang, w: keyof (typeof WORD)['nl'], ...rest: (string | number)[]) =>
  commandLine(lang, ...(w === 'ask' ? [] : [KB[lang]]), WORD[lang][w], ...rest);

/** The command of the "this did not help" button under an answer: `vraag #n12`. */
export const unhelpfulCommand = (askId: number, lang: Lang) => cmd(lang, 'ask', `#n${askId}`);
/** `#n<ask id>`: the "this did not help" button's question. */
export const UNHELPFUL = /^#n(\d+)$/i;

const REASON = {
  unknown: 'community.reason.unknown',
  'low-confidence': 'community.reason.low-confidence',
  unhelpful: 'community.reason.unhelpful',
} as const;

/** A reply with more blocks after it (the community's lines and buttons under an answer). */
function append(reply: Reply, more: Reply): Reply {
  if (!more.blocks.length) return reply;
  return {
    ...reply,
    text: [reply.text, more.text].filter(Boolean).join('\n'),
    blocks: [...reply.blocks, ...more.blocks],
  };
}

function numberOf(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`"${value}" is not a number`, 'community.not-an-id', { value });
  return n;
}

export class ChatCommunity {
  constructor(private readonly o: CommunityOptions) {}

  /** roles.yaml as the use cases see it: experts with topics, names. */
  get directory(): Directory {
    return { experts: () => this.o.roles.experts(), nameOf: (id) => this.o.roles.nameOf(id) };
  }

  /** The knowledge base's answer with the community's entries and the experts' answers. */
  answer(archive: Archive, question: string, opts: Omit<AskOptions, 'community'>): Promise<Answer> {
    return answerWithCommunity(archive, question, opts, this.directory);
  }

  /**
   * After an answer: records the question; an unknown or unsure answer becomes an open question
   * (posted to the community when new) and the asker is told so; any other answer gets the "this did
   * not help" button.
   */
  async afterAnswer(
    archive: Archive,
    q: { question: string; answer: Answer; asker: string; target?: ReplyTarget },
    reply: Reply,
  ): Promise<Reply> {
    const r = await recordQuestion(archive, { ...q, target: q.target ?? null }, this.directory);
    const lang = q.answer.language;
    const b = new ReplyBuilder();
    if (r.opened) {
      await this.rulesOnFirstUse(archive, q.asker, lang, b);
      b.context(t(lang, 'community.asker-open', { id: r.opened.open.id, asked: r.opened.open.asked }));
      if (r.opened.isNew) this.announce(archive, r.opened, q.asker);
    } else {
      b.buttons([
        { label: t(lang, 'community.unhelpful-button'), command: unhelpfulCommand(r.ask.id, lang) },
      ]);
    }
    return append(reply, b.build());
  }

  /** The house rules once, the first time a user meets the community. */
  private async rulesOnFirstUse(archive: Archive, user: string, lang: Lang, b: ReplyBuilder): Promise<void> {
    if (await firstTime(archive, user))
      b.context(t(lang, 'community.first-use', { rules: await this.rulesText(archive, lang) }));
  }

  private async rulesText(archive: Archive, lang: Lang): Promise<string> {
    return (await rules(archive))?.text ?? t(lang, 'community.rules-default');
  }

  /** Every community channel, with the language it answers in (its own, else the question's). */
  private async channels(archive: Archive, fallback: Lang): Promise<{ target: ReplyTarget; lang: Lang }[]> {
    const out: { target: ReplyTarget; lang: Lang }[] = [];
    for (const [platform, channel] of Object.entries(this.o.channels)) {
      if (!channel) continue;
      const lang = (await channelLanguage(archive, { platform, channel })) ?? fallback;
      out.push({ target: { platform, channel, lang } as ReplyTarget, lang });
    }
    return out;
  }

  /**
   * Runs a delivery after the command's answer instead of inside it: an adapter sends to a channel
   * in that channel's order, so a command awaiting a send to its own channel (approving in the
   * thread's channel, asking in the community channel) would wait for itself.
   */
  private later(work: () => Promise<unknown>): void {
    const p: Promise<unknown> = Promise.resolve()
      .then(work)
      .catch((err) => this.o.log?.error({ err }, 'knowledge community: a delivery failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private readonly pending = new Set<Promise<unknown>>();

  /** Resolves once every delivery started by a command has finished. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** A new open question, in every community channel, for the experts of its topic (after the answer). */
  private announce(archive: Archive, opened: Opened, asker: string): void {
    const outbox = this.o.outbox;
    if (!outbox) return;
    this.later(async () => {
      for (const { target, lang } of await this.channels(archive, opened.open.language)) {
        await outbox.deliver(target, this.questionPost(opened, asker, lang));
      }
      // And to each Slack expert of the topic personally (Slack opens the app's direct message for a
      // user id); on Teams and Mattermost the community channel names them.
      for (const m of opened.experts.filter((x) => x.id.startsWith('slack:'))) {
        const user = m.id.slice('slack:'.length);
        await outbox.deliver(
          { platform: 'slack', channel: user },
          this.questionPost(opened, asker, opened.open.language),
        );
      }
    });
  }

  private questionPost(opened: Opened, asker: string, lang: Lang): Reply {
    const q = opened.open;
    const topic = q.topic ?? t(lang, 'community.topic-none');
    const b = new ReplyBuilder().header(t(lang, 'community.new-question', { id: q.id })).section(
      t(lang, 'community.question-line', {
        question: q.question,
        asker: this.o.roles.nameOf(asker),
        topic,
        reason: t(lang, REASON[q.reason]),
      }),
    );
    if (q.attempt.answer) b.context(t(lang, 'community.attempt', { answer: short(q.attempt.answer, 300) }));
    if (opened.experts.length)
      b.context(t(lang, 'community.for-experts', { topic, names: this.names(opened.experts) }));
    return b.buttons(this.questionButtons(q.id, lang)).build();
  }

  private names(members: Member[]): string {
    return members.map((m) => m.name ?? this.o.roles.nameOf(m.id)).join(', ');
  }

  private questionButtons(id: number, lang: Lang): Button[] {
    return [
      { label: t(lang, 'community.button-answer'), command: cmd(lang, 'open', id), style: 'primary' },
      { label: t(lang, 'community.button-pass'), command: cmd(lang, 'pass', id) },
    ];
  }

  /**
   * Runs a community sub-command, or approves or rejects an expert's answer; null when the action
   * is not the community's (an ordinary suggestion's approval: ChatKnowledge does that).
   */
  async kb(
    action: KbAction,
    args: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; roles?: Role[] },
  ): Promise<Reply | null> {
    if (!ACTIONS.includes(action) && action !== 'approve' && action !== 'reject') return null;
    try {
      return await this.run(action, args.trim(), lang, ctx);
    } catch (err) {
      throw problem(err, args);
    }
  }

  private async run(
    action: KbAction,
    args: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; roles?: Role[] },
  ): Promise<Reply | null> {
    const { archive } = ctx;
    const who: Actor = { by: ctx.user };
    const [first = '', ...rest] = args.split(/\s+/);
    switch (action) {
      case 'open':
        return first ? this.openDetail(archive, numberOf(first), lang) : this.openList(archive, lang);
      case 'answer':
        return this.answerOpen(archive, numberOf(first), rest.join(' '), who, lang);
      case 'pass': {
        const q = await pass(archive, numberOf(first), who);
        return textReply(t(lang, 'community.passed', { id: q.id }));
      }
      case 'approve':
        return this.approve(archive, numberOf(first), who, lang);
      case 'reject': {
        const reason = rest.join(' ');
        if (!reason) throw new UsageError('give a reason: kb reject <number> <reason>', 'kb.reject-reason');
        const r = await rejectQuestionAnswer(archive, numberOf(first), reason, who);
        return r
          ? textReply(t(lang, 'community.rejected-answer', { entry: r.entry.id, id: r.open.id, reason }))
          : null;
      }
      case 'rules':
        return this.rules(archive, args, lang, ctx);
      case 'expert':
        return this.addExpert(archive, args.split(/\s+/), who, lang);
      case 'retire': {
        const e = await retire(archive, numberOf(first), rest.join(' ') || null, who);
        return textReply(t(lang, 'community.retired', { entry: e.id }));
      }
      case 'digest':
        return digestReply(await digest(archive, sinceOf(args || '30d')), lang);
      case 'unhelpful':
        return this.unhelpful(archive, numberOf(first), who, lang);
      default:
        return null;
    }
  }

  private async openList(archive: Archive, lang: Lang): Promise<Reply> {
    const list = await openQuestions(archive);
    if (!list.length) return textReply(t(lang, 'community.open-none'));
    const b = new ReplyBuilder().header(t(lang, 'community.open-title', { n: list.length }));
    for (const q of list.slice(0, 10)) {
      const notes: string[] = [];
      if (q.status === 'answered' && q.entryId)
        notes.push(
          t(lang, 'community.open-waiting', {
            expert: this.o.roles.nameOf(q.answeredBy ?? '?'),
            entry: q.entryId,
          }),
        );
      if (q.passed.length)
        notes.push(
          t(lang, 'community.open-passed', { names: q.passed.map((p) => this.o.roles.nameOf(p)).join(', ') }),
        );
      const line = t(lang, 'community.open-line', {
        id: q.id,
        asked: q.asked,
        topic: q.topic ?? t(lang, 'community.topic-none'),
        question: q.question,
      });
      b.section(notes.length ? `${line}\n_${notes.join('; ')}_` : line);
    }
    b.context(t(lang, 'community.how-to-answer', { command: cmd(lang, 'answer', '<n>') }));
    return b.build();
  }

  private async openDetail(archive: Archive, id: number, lang: Lang): Promise<Reply> {
    const q = (await openQuestions(archive)).find((x) => x.id === id);
    if (!q) throw new KnowledgeError('not-found', `There is no open question #${id}.`);
    const b = new ReplyBuilder().header(t(lang, 'community.new-question', { id: q.id })).section(
      t(lang, 'community.question-line', {
        question: q.question,
        asker: '—',
        topic: q.topic ?? t(lang, 'community.topic-none'),
        reason: t(lang, REASON[q.reason]),
      }),
    );
    if (q.attempt.answer) b.context(t(lang, 'community.attempt', { answer: short(q.attempt.answer, 300) }));
    if (q.status === 'answered' && q.entryId) {
      b.context(
        t(lang, 'community.open-waiting', {
          expert: this.o.roles.nameOf(q.answeredBy ?? '?'),
          entry: q.entryId,
        }),
      );
      return b
        .buttons([{ label: t(lang, 'community.button-approve'), command: cmd(lang, 'approve', q.entryId) }])
        .build();
    }
    b.context(t(lang, 'community.how-to-answer', { command: cmd(lang, 'answer', q.id) }));
    return b.buttons([{ label: t(lang, 'community.button-pass'), command: cmd(lang, 'pass', q.id) }]).build();
  }

  private async answerOpen(
    archive: Archive,
    id: number,
    text: string,
    who: Actor,
    lang: Lang,
  ): Promise<Reply> {
    const { open, entry } = await answerQuestion(archive, id, text, who);
    const approve = cmd(lang, 'approve', entry.id);
    const outbox = this.o.outbox;
    if (outbox)
      this.later(async () => {
        for (const c of await this.channels(archive, open.language)) {
          const post = new ReplyBuilder()
            .section(
              t(c.lang, 'community.answer-waiting', {
                expert: this.o.roles.nameOf(who.by),
                id: open.id,
                answer: short(entry.answer, 500),
                approve: cmd(c.lang, 'approve', entry.id),
              }),
            )
            .buttons([
              { label: t(c.lang, 'community.button-approve'), command: cmd(c.lang, 'approve', entry.id) },
            ])
            .build();
          await outbox.deliver(c.target, post);
        }
      });
    return textReply(t(lang, 'community.answered', { id: open.id, entry: entry.id, approve }));
  }

  private async approve(archive: Archive, entryId: number, who: Actor, lang: Lang): Promise<Reply | null> {
    const r = await approveQuestionAnswer(archive, entryId, who);
    if (!r) return null;
    this.later(() => this.deliverAnswers(archive));
    const askers = r.askers.filter((a) => a.target).length;
    return textReply(t(lang, 'community.approved', { entry: r.entry.id, id: r.open.id, n: askers }));
  }

  private delivering: Promise<number> = Promise.resolve(0);

  /**
   * Sends every approved answer not yet delivered to its askers, in their threads; how many went out.
   * One round at a time (a command's and the timer's would otherwise both tell the same asker).
   */
  deliverAnswers(archive: Archive): Promise<number> {
    const round = this.delivering.then(
      () => this.deliverRound(archive),
      () => this.deliverRound(archive),
    );
    this.delivering = round.catch(() => 0);
    return round;
  }

  private async deliverRound(archive: Archive): Promise<number> {
    if (!this.o.outbox) return 0;
    let sent = 0;
    for (const { ask, entry } of await undelivered(archive)) {
      const lang = ask.language;
      const reply = new ReplyBuilder()
        .header(t(lang, 'community.to-asker'))
        .section(`> ${short(ask.question, 300)}`)
        .section(
          t(lang, 'community.expert-answer', {
            answer: entry.answer,
            expert: this.o.roles.nameOf(entry.author),
            approver: this.o.roles.nameOf(entry.reviewer ?? '?'),
            date: (entry.reviewedAt ?? entry.createdAt).slice(0, 10),
          }),
        )
        .build();
      if (entry.source) reply.text += `\n${entry.source}`;
      if (await this.o.outbox.deliver(ask.target as ReplyTarget, reply)) {
        await told(archive, [ask]);
        sent++;
      }
    }
    return sent;
  }

  private async rules(
    archive: Archive,
    args: string,
    lang: Lang,
    ctx: { user: string; roles?: Role[] },
  ): Promise<Reply> {
    const m = /^(set|zet|vaststellen)\s+([\s\S]+)$/i.exec(args);
    if (m) {
      if (!this.o.roles.allows(ctx.roles ?? [], 'leader')) {
        const held = (ctx.roles ?? []).join(', ') || t(lang, 'chat.no-roles');
        return textReply(t(lang, 'chat.refused', { word: 'kb rules set', role: 'leader', roles: held }), {
          kind: 'refused',
          private: true,
        });
      }
      await setRules(archive, m[2]!, { by: ctx.user });
      return textReply(t(lang, 'community.rules-set'));
    }
    const current = await rules(archive);
    const b = new ReplyBuilder()
      .header(t(lang, 'community.rules-title'))
      .section(await this.rulesText(archive, lang));
    if (current)
      b.context(
        t(lang, 'community.rules-by', { by: this.o.roles.nameOf(current.by), date: current.at.slice(0, 10) }),
      );
    return b.build();
  }

  private async addExpert(archive: Archive, words: string[], who: Actor, lang: Lang): Promise<Reply> {
    // `kb expert add <platform:user> <topic>` (the sub-command's own first word is gone already).
    const [verb = '', expert = '', topic = '', ...extra] = words;
    if (
      !['add', 'toevoegen'].includes(verb.toLowerCase()) ||
      !/^[a-z]+:\S+$/.test(expert) ||
      !topic ||
      extra.length
    )
      throw new UsageError('kb expert add <platform:user> <topic>', 'community.expert-usage');
    const added = await addExpert(archive, expert, topic, who);
    const b = new ReplyBuilder().section(
      t(lang, added ? 'community.expert-added' : 'community.expert-already', {
        expert: this.o.roles.nameOf(expert),
        topic: topic.toLowerCase(),
      }),
    );
    if (!this.o.roles.holds(expert, 'expert'))
      b.context(t(lang, 'community.expert-no-role', { expert: this.o.roles.nameOf(expert) }));
    return b.build();
  }

  private async unhelpful(archive: Archive, askId: number, who: Actor, lang: Lang): Promise<Reply> {
    let opened: Opened;
    try {
      opened = await answerDidNotHelp(archive, askId, who, this.directory);
    } catch (err) {
      if (err instanceof KnowledgeError && err.code === 'not-found')
        throw new UsageError(err.message, 'community.unhelpful-unknown');
      throw err;
    }
    if (opened.isNew) this.announce(archive, opened, who.by);
    const b = new ReplyBuilder();
    await this.rulesOnFirstUse(archive, who.by, lang, b);
    return b.section(t(lang, 'community.unhelpful-done', { id: opened.open.id })).build();
  }

  /**
   * The monthly digest in every community channel (once per month, whichever process is first), and
   * approved answers that could not be delivered before: now and every `everyMs`.
   */
  start(archive: Archive, everyMs = 60_000): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = Promise.all([this.deliverAnswers(archive), this.postMonthlyDigest(archive)]).catch((err) =>
        this.o.log?.error({ err }, 'knowledge community: delivering answers or the digest failed'),
      );
    };
    tick();
    const timer = setInterval(tick, everyMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
      await this.idle();
    };
  }

  /** Posts last month's digest, unless it was posted already or nobody asked anything; true when posted. */
  async postMonthlyDigest(archive: Archive, now = new Date()): Promise<boolean> {
    const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const d = await digest(archive, since, until);
    if (!this.o.outbox || d.asked === 0) return false;
    const targets = await this.channels(archive, 'nl');
    if (!targets.length) return false;
    if (!(await claimDigest(archive.db, since.toISOString().slice(0, 7), d))) return false;
    for (const c of targets) await this.o.outbox.deliver(c.target, digestReply(d, c.lang));
    return true;
  }
}

/** A digest's period start as typed (`30d`, `2w`, a date); a UsageError otherwise. */
export function sinceOf(text: string): Date {
  const d = parseSince(text);
  if (!d) throw new UsageError(`"${text}" is not a period`, 'community.since-bad', { value: text });
  return d;
}

/** The digest for people, in `lang`. */
export function digestReply(d: Digest, lang: Lang): Reply {
  const hours =
    d.medianHoursToAnswer === null
      ? t(lang, 'community.digest-none')
      : t(lang, 'community.digest-hours', { h: d.medianHoursToAnswer });
  const b = new ReplyBuilder()
    .header(t(lang, 'community.digest-title', { since: d.since.slice(0, 10) }))
    .section('', [
      [t(lang, 'community.digest-asked'), String(d.asked)],
      [t(lang, 'community.digest-guidance'), String(d.answeredByGuidance)],
      [t(lang, 'community.digest-experts'), String(d.answeredByExperts)],
      [t(lang, 'community.digest-open'), String(d.open)],
      [t(lang, 'community.digest-median'), hours],
    ]);
  if (d.topOpen.length)
    b.section(
      `${t(lang, 'community.digest-top')}\n${d.topOpen
        .map(
          (q) =>
            `• ${t(lang, 'community.digest-top-line', { id: q.id, question: short(q.question, 120), asked: q.asked })}`,
        )
        .join('\n')}`,
    );
  if (d.unhelpful.length)
    b.section(
      `${t(lang, 'community.digest-unhelpful')}\n${d.unhelpful
        .slice(0, 5)
        .map((u) => `• ${t(lang, 'community.digest-unhelpful-line', u)}`)
        .join('\n')}`,
    );
  return b.build();
}

/** A community refusal as a UsageError with its sentence (unknown number, answered already, own answer, too long). */
function problem(err: unknown, args: string): unknown {
  const id = args.trim().split(/\s+/)[0]?.replace(/^#/, '') ?? '?';
  if (err instanceof FourEyesError)
    return new UsageError(err.message, 'community.own-answer', { entry: err.entryId });
  if (!(err instanceof KnowledgeError)) return err;
  if (err.code === 'not-found') return new UsageError(err.message, 'community.not-found', { id });
  if (err.code === 'already-reviewed')
    return new UsageError(err.message, 'community.already-answered', { id });
  return new UsageError(err.message, 'community.invalid', { message: err.message });
}
