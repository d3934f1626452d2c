import { describe, expect, it } from 'vitest';
import { format, type Message, placeholders } from '../src/domain/i18n.ts';
import { AREAS } from '../src/domain/messages/index.ts';
import type { Lang } from '../src/domain/types.ts';

/**
 * The message catalogue: every key in Dutch and English with the same placeholders, each key in one
 * area only, no "(s)" plurals, and no wrong plural whatever number fills a placeholder.
 */
const entries = Object.entries(AREAS).flatMap(([area, messages]) =>
  Object.entries(messages as Record<string, Message>).map(([key, message]) => ({ area, key, message })),
);

const unique = (names: string[]) => [...new Set(names)].sort();

/** A number next to the wrong form of a noun, per language. */
const WRONG_PLURAL: Record<Lang, RegExp[]> = {
  en: [
    /\b1 (posts|replies|versions|alerts|errors|accounts|days|suggestions|attempts|times|years|parts|buttons|files|captures|failures)\b/,
    /\b2 (post|reply|version|alert|error|account|day|suggestion|attempt|time|year|part|button|file|capture|failure)\b/,
  ],
  nl: [
    /\b1 (berichten|reacties|versies|meldingen|fouten|dagen|voorstellen|pogingen|onderdelen|knoppen|bestanden|archiveringen|gevolgde accounts)\b/,
    /\b2 (bericht|reactie|versie|melding|fout|dag|voorstel|poging|onderdeel|knop|bestand|archivering|gevolgd account)\b/,
  ],
};

describe('the message catalogue', () => {
  it('has messages', () => {
    expect(entries.length).toBeGreaterThan(100);
  });

  it('has every key in Dutch and English, not empty, with the same placeholders', () => {
    for (const { area, key, message } of entries) {
      expect(message.nl?.trim(), `${area}: ${key} (nl)`).toBeTruthy();
      expect(message.en?.trim(), `${area}: ${key} (en)`).toBeTruthy();
      expect(unique(placeholders(message.nl)), `${area}: ${key}`).toEqual(unique(placeholders(message.en)));
    }
  });

  it('defines each key in one area only', () => {
    const seen = new Map<string, string>();
    for (const { area, key } of entries) {
      expect(seen.get(key), `${key} is in ${seen.get(key)} and ${area}`).toBeUndefined();
      seen.set(key, area);
    }
  });

  it('writes plurals as plurals, never "(s)" or "(en)"', () => {
    for (const { key, message } of entries) {
      for (const lang of ['nl', 'en'] as const) {
        expect(message[lang], `${key} (${lang})`).not.toMatch(/\w\((s|en|es|n)\)/);
      }
    }
  });

  it('shows no wrong plural with 1 or 2 in any placeholder', () => {
    for (const { key, message } of entries) {
      for (const lang of ['nl', 'en'] as const) {
        for (const n of [1, 2]) {
          const vars = Object.fromEntries(placeholders(message[lang]).map((name) => [name, n]));
          const text = format(message[lang], vars);
          for (const wrong of WRONG_PLURAL[lang]) expect(text, `${key} (${lang}, ${n})`).not.toMatch(wrong);
        }
      }
    }
  });

  it('catches a wrong plural when there is one (the check itself works)', () => {
    const bad = { nl: '{n} berichten', en: '{n} posts' };
    expect(format(bad.en, { n: 1 })).toMatch(WRONG_PLURAL.en[0]!);
    expect(format(bad.nl, { n: 1 })).toMatch(WRONG_PLURAL.nl[0]!);
    const good = { nl: '{n} {n|bericht|berichten}', en: '{n} {n|post|posts}' };
    for (const n of [1, 2]) {
      for (const wrong of [...WRONG_PLURAL.en, ...WRONG_PLURAL.nl]) {
        expect(format(good.en, { n })).not.toMatch(wrong);
        expect(format(good.nl, { n })).not.toMatch(wrong);
      }
    }
  });
});
