/** Small text helpers the presenters and the commands share. */
import { hasMessage, t } from '../domain/i18n.ts';
import type { Lang } from '../domain/types.ts';

/** An ISO time as `2025-03-01 09:00 UTC`; `absent` (`?`) when there is none. */
export function when(iso: string | null | undefined, absent = '?'): string {
  return iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : absent;
}

/** One line of at most `max` characters, with an ellipsis when cut. */
export function short(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The host of a URL, or '' when the text is no URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/**
 * A word of the data (a post status, a changed field, a trigger, an alert kind) in the reader's
 * language: the catalogue's `<group>.<name>` (spaces as dashes), else the word itself.
 */
export function term(lang: Lang, group: string, name: string): string {
  const key = `${group}.${name.replace(/\s+/g, '-')}`;
  return hasMessage(key) ? t(lang, key) : name;
}

/**
 * The window a change the platform did not date was found in, as the sentence `key` ({from}, {to}):
 * the second time without its date when both fall on the same day ("2025-03-01 10:02" and "10:17 UTC").
 */
export function editWindow(
  lang: Lang,
  key: 'history.edited-between' | 'show.edited-between',
  from: string | null,
  to: string,
): string {
  const a = when(from);
  const b = when(to);
  const sameDay = from?.slice(0, 10) === to.slice(0, 10);
  return t(lang, key, { from: sameDay ? a.replace(/ UTC$/, '') : a, to: sameDay ? b.slice(11) : b });
}
