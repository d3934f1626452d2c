/**
 * Where an answer or a notification goes. The monitor and the queue carry it untouched; the chat
 * adapters make it and read it.
 */
export type ChatPlatform = 'slack' | 'teams' | 'mattermost' | 'shell';

/** Where an answer goes: the adapter's own thread reference, carried through the queue untouched. */
export interface ReplyTarget {
  platform: ChatPlatform;
  channel: string;
  [key: string]: unknown;
}
