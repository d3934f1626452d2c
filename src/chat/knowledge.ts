import { UsageError } from '../domain/errors.ts';
import type { PostKind } from '../domain/types.ts';
import { parseSuggestion, suggestEntry } from '../kb/community.ts';
import type { Facts } from '../kb/facts.ts';
import { type Answer, ask, factsFromPost, roleOfAccount } from '../kb/index.ts';
import type { Archive } from '../store/archive.ts';
import {
  approvedEntries,
  approveEntry,
  KnowledgeError,
  pendingEntries,
  rejectEntry,
} from '../store/knowledge.ts';
import { findPostId } from '../store/queries.ts';
import type { KnowledgeService } from './bot.ts';
import { type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';

const say = (lang: Lang, nl: string, en: string) => (lang === 'nl' ? nl : en);

const VERDICT: Record<Answer['verdict'], Record<Lang, string>> = {
  archive: { nl: 'Archiveren', en: 'Archive' },
  'do-not-archive': { nl: 'Niet archiveren', en: 'Do not archive' },
  depends: { nl: 'Dat hangt ervan af', en: 'It depends' },
  info: { nl: 'Informatie', en: 'Information' },
  unknown: { nl: 'Dat weet ik niet', en: "I don't know" },
};

const URL_IN_TEXT = /<?(https?:\/\/[^\s>|]+)[^\s>]*>?/;

/**
 * The knowledge base in chat: answers with verdict, rules and sources, follow-up questions as
 * buttons, "moet ik dit archiveren? <url>" answered for that archived post, and the klankbordgroep.
 */
export class ChatKnowledge implements KnowledgeService {
  /** Follow-up questions asked recently: a button answers one by number (`vraag #v3 2`). */
  private readonly followUps = new Map<
    number,
    { question: string; facts: Partial<Facts>; options: Partial<Facts>[] }
  >();
  private nextFollowUp = 1;

  async ask(question: string, lang: Lang, ctx: { archive: Archive; user: string }): Promise<Reply> {
    const community = await approvedEntries(ctx.archive.db);
    const pick = /^#v(\d+)\s+(\d+)$/.exec(question.trim());
    if (pick) {
      const f = this.followUps.get(Number(pick[1]));
      const option = f?.options[Number(pick[2]) - 1];
      if (!f || !option)
        throw new UsageError(
          say(
            lang,
            'Die vervolgvraag ken ik niet meer; stel je vraag opnieuw.',
            'I no longer have that follow-up question; please ask again.',
          ),
        );
      const facts = { ...f.facts, ...option };
      return this.render(f.question, ask(f.question, { facts, community }), facts);
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
        note = say(
          lang,
          `Over bericht #${post.id} in het archief (${post.description}).`,
          `About archived post #${post.id} (${post.description}).`,
        );
      } else {
        note = say(
          lang,
          `Dit bericht zit nog niet in het archief; het antwoord is algemeen. Archiveer het (\`archiveer ${url}\`) voor een antwoord over dit bericht.`,
          `This post is not in the archive yet; the answer is general. Capture it (\`capture ${url}\`) for an answer about this post.`,
        );
      }
    }
    return this.render(text, ask(text, { facts, community }), facts, note);
  }

  private render(question: string, a: Answer, facts: Partial<Facts>, note: string | null = null): Reply {
    const lang = a.language;
    const b = new ReplyBuilder().header(VERDICT[a.verdict][lang]);
    if (note) b.context(note);
    b.section(a.answer);
    if (a.rules.length) b.section('', [[say(lang, 'Regels', 'Rules'), a.rules.join(', ')]]);
    if (a.sources.length)
      b.section(
        `${say(lang, 'Bronnen', 'Sources')}:\n${a.sources.map((s) => `• ${s.title} — ${s.url}`).join('\n')}`,
      );
    if (a.inference) {
      b.context(
        say(
          lang,
          'Dit antwoord rust (deels) op een afleiding uit de bronnen, niet op een bron die het letterlijk zegt.',
          'This answer rests (partly) on an inference from the sources, not on a source that says it outright.',
        ),
      );
    }
    if (a.followUp && a.followUpOptions?.length && a.followUpFacts?.length) {
      const id = this.nextFollowUp++;
      this.followUps.set(id, { question, facts, options: a.followUpFacts });
      if (this.followUps.size > 500) this.followUps.delete(this.followUps.keys().next().value!);
      b.section(`*${a.followUp}*`);
      b.buttons(
        a.followUpOptions.map((label, i) => ({
          label,
          command: `${say(lang, 'vraag', 'ask')} #v${id} ${i + 1}`,
        })),
      );
    } else if (a.followUp) {
      b.section(`*${a.followUp}*`);
    }
    return b.build();
  }

  async kb(args: string, lang: Lang, ctx: { archive: Archive; user: string }): Promise<Reply> {
    const [sub = '', ...rest] = args.trim().split(/\s+/);
    const rest1 = rest.join(' ');
    const db = ctx.archive.db;
    try {
      switch (sub.toLowerCase()) {
        case 'suggest':
        case 'voorstel':
        case 'stel-voor': {
          const s = parseSuggestion(rest1);
          const e = await suggestEntry(db, { ...s, author: ctx.user });
          return textReply(
            say(
              lang,
              `Voorstel #${e.id} staat klaar voor een expert (\`kb goedkeuren ${e.id}\`). Dank je!`,
              `Suggestion #${e.id} is waiting for an expert (\`kb approve ${e.id}\`). Thank you!`,
            ),
          );
        }
        case 'pending':
        case 'wachtend': {
          const list = await pendingEntries(db);
          if (!list.length)
            return textReply(say(lang, 'Er wachten geen voorstellen.', 'No suggestions are waiting.'));
          const b = new ReplyBuilder().header(
            say(lang, `${list.length} voorstel(len) wachten`, `${list.length} suggestion(s) waiting`),
          );
          for (const e of list.slice(0, 10))
            b.section(
              `*#${e.id}* ${e.question}\n${e.answer}${e.source ? `\n${say(lang, 'Bron', 'Source')}: ${e.source}` : ''}\n_${e.author}, ${e.createdAt.slice(0, 10)}_`,
            );
          if (list.length > 10)
            b.context(
              say(
                lang,
                `En nog ${list.length - 10}; keur eerst deze af of goed.`,
                `And ${list.length - 10} more; review these first.`,
              ),
            );
          return b
            .buttons(
              list.slice(0, 5).map((e) => ({
                label: `✓ #${e.id}`,
                command: `kb ${say(lang, 'goedkeuren', 'approve')} ${e.id}`,
              })),
            )
            .build();
        }
        case 'approve':
        case 'goedkeuren': {
          const e = await approveEntry(db, entryId(rest1, lang), ctx.user);
          return textReply(
            say(
              lang,
              `Voorstel #${e.id} is goedgekeurd en doet nu mee in de antwoorden.`,
              `Suggestion #${e.id} is approved and now takes part in the answers.`,
            ),
          );
        }
        case 'reject':
        case 'afwijzen': {
          const [id = '', ...why] = rest;
          const reason = why.join(' ').trim();
          if (!reason)
            throw new UsageError(
              say(
                lang,
                'Geef een reden: `kb afwijzen <nummer> <reden>`',
                'Give a reason: `kb reject <number> <reason>`',
              ),
            );
          const e = await rejectEntry(db, entryId(id, lang), ctx.user, reason);
          return textReply(
            say(
              lang,
              `Voorstel #${e.id} is afgewezen: ${reason}`,
              `Suggestion #${e.id} is rejected: ${reason}`,
            ),
          );
        }
        default:
          throw new UsageError(
            say(
              lang,
              'Gebruik: `kb voorstel <vraag> | <antwoord> [| bron]`, `kb wachtend`, `kb goedkeuren <nummer>`, `kb afwijzen <nummer> <reden>`',
              'Usage: `kb suggest <question> | <answer> [| source]`, `kb pending`, `kb approve <number>`, `kb reject <number> <reason>`',
            ),
          );
      }
    } catch (err) {
      if (err instanceof KnowledgeError) throw new UsageError(err.message);
      throw err;
    }
  }
}

function entryId(value: string, lang: Lang): number {
  const n = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(
      say(
        lang,
        `"${value}" is geen voorstelnummer (zie \`kb wachtend\`)`,
        `"${value}" is not a suggestion number (see \`kb pending\`)`,
      ),
    );
  return n;
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
    description: `${row.platform} ${row.kind} ${row.handle ?? ''}, account: ${row.role ?? 'other'}`.replace(
      /\s+/g,
      ' ',
    ),
  };
}
