/**
 * The message catalogue: every sentence a user reads (chat answers, notifications, CLI errors) is
 * `t(lang, key, vars)`, with the Dutch and English text of a key side by side in one entry.
 *
 * Placeholders are `{name}`; a plural is `{name|one|other}`: "1 bericht" / "3 berichten" is written
 * `{n} {n|bericht|berichten}`. Entries live per area in `src/domain/messages/*.ts`; the test
 * `tests/catalogue.test.ts` checks that every key has both languages with the same placeholders.
 */
import { MESSAGES } from './messages/index.ts';
import type { Lang } from './types.ts';

export type MessageVars = Record<string, string | number | null | undefined>;
export type MessageKey = keyof typeof MESSAGES;

/** One entry: the text in each language. */
export type Message = Record<Lang, string>;

const PLACEHOLDER = /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

/** Fills `{name}` and `{name|one|other}` from vars; an unknown name stays visible as `{name}`. */
export function format(template: string, vars: MessageVars = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string, one?: string, other?: string) => {
    const value = vars[name];
    if (one !== undefined) return Number(value) === 1 ? one : (other ?? '');
    return value === undefined || value === null ? whole : String(value);
  });
}

/** The sentence for `key` in `lang`, filled with `vars`. */
export function t(lang: Lang, key: MessageKey, vars: MessageVars = {}): string {
  const entry = (MESSAGES as Record<string, Message>)[key];
  if (!entry) throw new Error(`no message "${key}" in the catalogue`);
  return format(entry[lang], vars);
}

/** Whether the catalogue has this key (errors carry keys made from their codes). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES, key);
}

/** The placeholder names a template uses (for the catalogue test). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
}

/**
 * What a user reads for an error they caused or met: the catalogue's sentence for the error's key
 * (a CaptureError's `error.<code>`, a UsageError's key) in their language, else its plain message.
 */
export function describeError(err: Error & { key?: string; vars?: MessageVars }, lang: Lang): string {
  if (err.key && hasMessage(err.key)) return t(lang, err.key, { message: err.message, ...err.vars });
  return err.message;
}
