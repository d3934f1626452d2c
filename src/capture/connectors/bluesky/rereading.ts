import { contentHash } from '../../../domain/content.ts';
import type { PostContent, Rereading } from '../../../domain/types.ts';
import type { BlueskyContent } from '../bluesky.ts';

/**
 * Whether a new reading of a Bluesky post reads the same record as the version archived last, so
 * that what differs is Archiefbot's own parsing and not the author's doing (a re-reading, not an
 * edit). A record's CID is the hash of the record itself: the AppView gives a new one exactly when
 * the author's record changes.
 *
 * - Both readings keep the CID: the same CID is the same record (`same-cid`), whatever a newer
 *   parser now derives from it.
 * - The version was archived before Archiefbot kept the CID (and before it ended a quote post's text
 *   with `[quote: <AT-URI>]`): the new reading with exactly that ending taken off must be the
 *   archived content, to the hash (`quote-added`). The ending is derived from the record's own embed,
 *   so nothing the author wrote or attached differs.
 *
 * Null when the content is unchanged (nothing to add) or when the author's record may have changed.
 */
export function rereadingOf(
  archived: { number: number; hash: string; content: BlueskyContent },
  fresh: BlueskyContent,
): Rereading | null {
  if (contentHash(fresh) === archived.hash) return null;
  if (archived.content.cid && fresh.cid)
    return archived.content.cid === fresh.cid ? { of: archived.number, why: 'same-cid' } : null;
  if (archived.content.cid) return null;
  const before = readBeforeQuoteEnding(fresh);
  if (!before || contentHash(before) !== archived.hash) return null;
  return { of: archived.number, why: 'quote-added' };
}

/**
 * A quote post's content as Archiefbot read it before it ended the text with `[quote: <AT-URI>]`
 * and kept the quote's view and the record's CID; null for a post that quotes nothing.
 */
export function readBeforeQuoteEnding(content: BlueskyContent): PostContent | null {
  if (!content.quote) return null;
  const ending = `[quote: ${content.quote.uri}]`;
  const text =
    content.text === ending
      ? ''
      : content.text.endsWith(`\n\n${ending}`)
        ? content.text.slice(0, -(ending.length + 2))
        : null;
  if (text === null) return null;
  const { quote: _quote, cid: _cid, rereading: _rereading, ...rest } = content;
  return { ...rest, text };
}
