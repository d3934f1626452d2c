/**
 * A chat channel's own settings: the language the bot answers in, and which accounts' alerts it
 * receives (`language`, `alerts on|off`). Data in, data out; the chat renders the answers.
 */
import type { Lang } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import {
  setChannelLanguage,
  channelLanguage as storedLanguage,
  subscribe,
  subscriptions,
  unsubscribe,
} from '../store/chat.ts';

/** A channel on a chat platform. */
export interface Channel {
  platform: string;
  channel: string;
}

/** Every account, for `alerts on` without accounts. */
export const ALL_ACCOUNTS = '*';

/** The language a channel set with `language`, or null. */
export function channelLanguage(archive: Archive, c: Channel): Promise<Lang | null> {
  return storedLanguage(archive.db, c.platform, c.channel);
}

/** `language nl|en`: the channel's language from now on. */
export async function setLanguage(archive: Archive, c: Channel, lang: Lang, by: string): Promise<void> {
  const db = archive.db;
  await db.transaction(() => setChannelLanguage(db, c.platform, c.channel, lang, by));
}

/** `alerts on [account…]`: subscribes the channel (to every account when none are named); the accounts newly added. */
export async function subscribeAlerts(
  archive: Archive,
  c: Channel,
  accounts: string[],
  by: string,
): Promise<string[]> {
  const db = archive.db;
  return db.transaction(() =>
    subscribe(db, c.platform, c.channel, accounts.length ? accounts : [ALL_ACCOUNTS], by),
  );
}

/** `alerts off [account…]`: unsubscribes the accounts named, or all of them; how many went. */
export async function unsubscribeAlerts(archive: Archive, c: Channel, accounts: string[]): Promise<number> {
  const db = archive.db;
  return db.transaction(() => unsubscribe(db, c.platform, c.channel, accounts));
}

/** The accounts whose alerts the channel receives (`*` = all). */
export async function alertSubscriptions(archive: Archive, c: Channel): Promise<string[]> {
  return (await subscriptions(archive.db, c.platform, c.channel)).map((s) => s.account);
}
