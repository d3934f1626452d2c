/**
 * Where an answer or a notification goes. The chat adapters make it and read it; the queue and the
 * monitor carry it untouched (it travels as JSON through Redis, so every field is plain data).
 */
import type { Lang } from './types.ts';

export type ChatPlatform = 'slack' | 'teams' | 'mattermost' | 'shell';

interface TargetBase {
  /** The channel or chat: alerts and later answers go here. */
  channel: string;
  /** The language to answer in, when the asker's is known (a capture's result, a watch's backfill). */
  lang?: Lang;
}

/**
 * A Slack answer's place.
 * - `thread_ts`: answer in this thread (mentions, DMs, shortcuts, buttons).
 * - `user`: the asker, for ephemeral (private) answers.
 * - `response_url`: the slash command's or interaction's own answer URL (private answers, and the
 *   fallback when the bot is not a member of the channel; valid 30 minutes, 5 uses).
 * - `ref`: a slash command has no thread; its first public answer starts one, and later answers
 *   (a finished capture) go into that thread, found under this reference.
 */
export interface SlackTarget extends TargetBase {
  platform: 'slack';
  thread_ts?: string;
  user?: string;
  response_url?: string;
  ref?: string;
}

/** A Teams answer's place; `channel` is the chat or channel without a thread's `;messageid=…` suffix. */
export interface TeamsTarget extends TargetBase {
  platform: 'teams';
  /** The exact conversation to answer in when it differs from `channel` (a channel thread). */
  conversation?: string;
  /** The activity answered (sent as replyToId), so the answer threads under the question. */
  activityId?: string;
}

/** A Mattermost answer's place: the channel id and, for a thread, its root post. */
export interface MattermostTarget extends TargetBase {
  platform: 'mattermost';
  /** The thread's root post id; absent for a slash command (answers go to the channel). */
  rootId?: string;
}

/** The terminal chat: one conversation. */
export interface ShellTarget extends TargetBase {
  platform: 'shell';
}

export type ReplyTarget = SlackTarget | TeamsTarget | MattermostTarget | ShellTarget;

/** The target type of one platform: `TargetOf<'slack'>` is `SlackTarget`. */
export type TargetOf<P extends ChatPlatform> = Extract<ReplyTarget, { platform: P }>;
