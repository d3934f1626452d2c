/**
 * The knowledge community (issue 18): questions the knowledge base cannot answer well become open
 * questions, routed to the experts of their topic; an expert answers, a second expert (or the leader)
 * approves, and the askers are told; the leader keeps house rules, assigns topics and retires
 * entries; the digest says what the community learned. Data in, data out: the chat and the command
 * line render it, and deliver what must be delivered.
 */
import { UsageError } from '../domain/errors.ts';
import { askWithCommunity, confidence, sameQuestion, topicOf } from '../kb/community.ts';
import type { Answer, AskOptions } from '../kb/index.ts';
import type { Archive } from '../store/archive.ts';
import {
  type Actor,
  type Ask,
  activeEntries,
  addExpertTopic,
  answeredEntryIds,
  answerOpen,
  approveAnswer,
  asksSince,
  expertTopics,
  firstUse,
  getAsk,
  houseRules,
  markNotified,
  markUnhelpful,
  type OpenQuestion,
  openOfEntry,
  openSince,
  passedBy,
  passOpen,
  recordAnswered,
  recordOpen,
  rejectAnswer,
  retireEntry,
  setHouseRules,
  unsettledQuestions,
  untold,
} from '../store/community.ts';
import { getEntry, type KbEntry, KnowledgeError } from '../store/knowledge.ts';

export type { Actor, Ask, OpenQuestion };

/** A member of the community as roles.yaml lists them: `platform:user`, a name, the topics they know. */
export interface Member {
  id: string;
  name?: string;
  topics: string[];
}

/** Who the experts are (roles.yaml, src/chat/roles.ts); the leader's assignments in the archive join them. */
export interface Directory {
  experts(): Member[];
  /** A member's display name, for attributions; the id when none is known. */
  nameOf(id: string): string;
}

/** A question that became (or joined) an open question, and who should hear of it. */
export interface Opened {
  open: OpenQuestion;
  /** A new open question (posted to the community); false: one more asking of one already open. */
  isNew: boolean;
  /** The experts of its topic (all experts when it has none). */
  experts: Member[];
}

export interface Recorded {
  ask: Ask;
  opened: Opened | null;
}

/** The experts with their topics: roles.yaml's, plus those the leader assigned in the archive. */
export async function experts(archive: Archive, dir: Directory): Promise<Member[]> {
  const byId = new Map<string, Member>();
  for (const m of dir.experts()) byId.set(m.id, { ...m, topics: [...m.topics] });
  for (const { expert, topic } of await expertTopics(archive.db)) {
    const m = byId.get(expert) ?? { id: expert, name: dir.nameOf(expert), topics: [] };
    if (!m.topics.includes(topic)) m.topics.push(topic);
    byId.set(expert, m);
  }
  return [...byId.values()];
}

/** The experts of a topic; for a question without one (or a topic nobody holds), every expert. */
function expertsFor(all: Member[], topic: string | null): Member[] {
  const on = topic ? all.filter((m) => m.topics.includes(topic)) : [];
  return on.length ? on : all;
}

/** The knowledge base's answer with the community's entries (retired ones left out). */
export async function answerWithCommunity(
  archive: Archive,
  question: string,
  opts: Omit<AskOptions, 'community'>,
  dir?: Directory,
): Promise<Answer> {
  const community = await activeEntries(archive.db);
  const answered = await answeredEntryIds(archive.db);
  return askWithCommunity(question, {
    ...opts,
    community,
    answered,
    ...(dir ? { nameOf: (id: string) => dir.nameOf(id) } : {}),
  });
}

async function route(
  archive: Archive,
  dir: Directory,
  question: string,
): Promise<{ topic: string | null; joinId?: number; all: Member[] }> {
  const all = await experts(archive, dir);
  const topic = topicOf(question, [...new Set(all.flatMap((m) => m.topics))]);
  const same = sameQuestion(question, topic, await unsettledQuestions(archive.db));
  return { topic, all, ...(same ? { joinId: same.id } : {}) };
}

/**
 * Records a question and its answer: an unknown or unsure answer becomes an open question (or one
 * more asking of the same open question), with its topic's experts to tell.
 */
export async function recordQuestion(
  archive: Archive,
  q: { question: string; answer: Answer; asker: string; target: unknown },
  dir: Directory,
): Promise<Recorded> {
  const a = q.answer;
  const base = {
    question: q.question,
    language: a.language,
    asker: q.asker,
    target: q.target,
    verdict: a.verdict,
    entries: a.entries,
  };
  const sure = confidence(q.question, a);
  if (sure === 'high') {
    const outcome = a.entries.some((e) => e.startsWith('community:')) ? 'community' : 'guidance';
    return { ask: await recordAnswered(archive.db, { ...base, outcome }), opened: null };
  }
  const r = await route(archive, dir, q.question);
  const { ask, open, isNew } = await recordOpen(archive.db, {
    ...base,
    reason: sure === 'none' ? 'unknown' : 'low-confidence',
    topic: r.topic,
    attempt: { verdict: a.verdict, answer: a.answer, entries: a.entries },
    ...(r.joinId !== undefined ? { joinId: r.joinId } : {}),
  });
  return { ask, opened: { open, isNew, experts: expertsFor(r.all, open.topic) } };
}

/** "This answer did not help" on asking `askId`: it becomes (or joins) an open question. */
export async function answerDidNotHelp(
  archive: Archive,
  askId: number,
  who: Actor,
  dir: Directory,
): Promise<Opened> {
  const asked = await getAsk(archive.db, askId);
  if (!asked) throw new KnowledgeError('not-found', `There is no question #${askId}.`);
  const r = await route(archive, dir, asked.question);
  const { open, isNew } = await markUnhelpful(archive.db, askId, who, {
    topic: r.topic,
    ...(r.joinId !== undefined ? { joinId: r.joinId } : {}),
  });
  if (!open) throw new KnowledgeError('not-found', `There is no question #${askId}.`);
  return { open, isNew, experts: expertsFor(r.all, open.topic) };
}

/** The open questions (open, or answered and waiting for a second expert), most asked first, with who passed. */
export async function openQuestions(archive: Archive): Promise<(OpenQuestion & { passed: string[] })[]> {
  const list = await unsettledQuestions(archive.db);
  return Promise.all(list.map(async (q) => ({ ...q, passed: await passedBy(archive.db, q.id) })));
}

/** `kb answer <id> <text> [| source]`: an expert's answer, waiting for a second expert. */
export async function answerQuestion(archive: Archive, openId: number, text: string, who: Actor) {
  const [answer = '', ...rest] = text.split('|').map((p) => p.trim());
  if (rest.length > 1 || !answer)
    throw new UsageError('Write it as: kb answer <number> <answer> [| source]', 'community.answer-usage');
  return answerOpen(archive.db, openId, { answer, source: rest[0] ?? null }, who);
}

/** Whether a klankbordgroep entry is an expert's answer to an open question. */
export async function isExpertAnswer(archive: Archive, entryId: number): Promise<boolean> {
  return Boolean(await openOfEntry(archive.db, entryId));
}

/**
 * `kb approve <entry>` of an expert's answer: approves it (four eyes) and closes the question; the
 * askings to tell in their threads. Null when the entry answers no open question (an ordinary suggestion).
 */
export async function approveQuestionAnswer(archive: Archive, entryId: number, who: Actor) {
  if (!(await openOfEntry(archive.db, entryId))) return null;
  return approveAnswer(archive.db, entryId, who);
}

/** `kb reject <entry> <reason>` of an expert's answer: the question is open again. Null: an ordinary suggestion. */
export async function rejectQuestionAnswer(archive: Archive, entryId: number, reason: string, who: Actor) {
  if (!(await openOfEntry(archive.db, entryId))) return null;
  return rejectAnswer(archive.db, entryId, reason, who);
}

/** Askings whose answer was approved but not yet delivered to them, with the approved entry. */
export async function undelivered(archive: Archive) {
  const out: { ask: Ask; entry: KbEntry }[] = [];
  for (const u of await untold(archive.db)) {
    const entry = await getEntry(archive.db, u.entryId);
    if (entry) out.push({ ask: u.ask, entry });
  }
  return out;
}

/** Notes which askers were told the approved answer. */
export function told(archive: Archive, asks: Ask[]): Promise<void> {
  return markNotified(
    archive.db,
    asks.map((a) => a.id),
  );
}

export const pass = (archive: Archive, openId: number, who: Actor) => passOpen(archive.db, openId, who);
export const addExpert = (archive: Archive, expert: string, topic: string, who: Actor) =>
  addExpertTopic(archive.db, expert, topic.toLowerCase(), who);
export const retire = (archive: Archive, entryId: number, reason: string | null, who: Actor) =>
  retireEntry(archive.db, entryId, reason, who);
export const setRules = (archive: Archive, text: string, who: Actor) => setHouseRules(archive.db, text, who);
export const rules = (archive: Archive) => houseRules(archive.db);
/** True the first time `user` meets the community (the house rules are shown then). */
export const firstTime = (archive: Archive, user: string) => firstUse(archive.db, user);

export interface Digest {
  since: string;
  until: string;
  asked: number;
  answeredByGuidance: number;
  answeredByExperts: number;
  open: number;
  /** Median hours from the first asking to the expert's answer, of the questions answered in the period; null: none. */
  medianHoursToAnswer: number | null;
  topOpen: { id: number; question: string; asked: number; topic: string | null; since: string }[];
  /** Guidance entries (and community entries) whose answer was marked unhelpful, most often first. */
  unhelpful: { entry: string; times: number }[];
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What the community learned since `since`: every asking counted once, as answered by the guidance, by experts, or open. */
export async function digest(archive: Archive, since: Date, now = new Date()): Promise<Digest> {
  const from = since.toISOString();
  const asks = await asksSince(archive.db, from, now.toISOString());
  const opens = new Map((await openSince(archive.db, from)).map((q) => [q.id, q]));
  const closed = (a: Ask) => a.openId !== null && opens.get(a.openId)?.status === 'closed';
  const byExperts = asks.filter((a) => a.outcome === 'community' || (a.outcome === 'open' && closed(a)));
  const hours = [...opens.values()]
    .filter((q) => q.answeredAt && q.answeredAt >= from && q.status === 'closed')
    .map((q) => (Date.parse(q.answeredAt!) - Date.parse(q.firstAskedAt)) / 3_600_000);
  const unhelpful = new Map<string, number>();
  for (const a of asks.filter((x) => x.unhelpfulBy))
    for (const e of a.entries.length ? a.entries : ['-']) unhelpful.set(e, (unhelpful.get(e) ?? 0) + 1);
  const unsettled = [...opens.values()]
    .filter((q) => q.status !== 'closed')
    .sort((a, b) => b.asked - a.asked || b.lastAskedAt.localeCompare(a.lastAskedAt));
  const med = median(hours);
  return {
    since: from,
    until: now.toISOString(),
    asked: asks.length,
    answeredByGuidance: asks.filter((a) => a.outcome === 'guidance').length,
    answeredByExperts: byExperts.length,
    open: asks.filter((a) => a.outcome === 'open' && !closed(a)).length,
    medianHoursToAnswer: med === null ? null : Math.round(med * 10) / 10,
    topOpen: unsettled.slice(0, 5).map((q) => ({
      id: q.id,
      question: q.question,
      asked: q.asked,
      topic: q.topic,
      since: q.firstAskedAt,
    })),
    unhelpful: [...unhelpful].map(([entry, times]) => ({ entry, times })).sort((a, b) => b.times - a.times),
  };
}

/** `30d`, `12h`, `2w`, or a date: the start of a digest's period. */
export function parseSince(text: string, now = new Date()): Date | null {
  const m = /^(\d+)\s*([hdw])$/i.exec(text.trim());
  if (m) {
    const unit = { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]!.toLowerCase() as 'h' | 'd' | 'w'];
    return new Date(now.getTime() - Number(m[1]) * unit);
  }
  const d = new Date(text.trim());
  return Number.isNaN(d.getTime()) ? null : d;
}
