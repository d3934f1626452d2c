import { UsageError } from '../domain/errors.ts';
import type { Archive } from '../store/archive.ts';
import { findPostId, type PostDetail, showPost } from '../store/queries.ts';

export type { PostDetail };

/** Turns a post URL into the other keys it may be stored under (the pipeline's lookupKeys). */
export type LookupKeys = (ref: string) => string[];

/** What the user typed to name a post, without chat decoration: `#12`, `<url>`, `<url|label>`. */
function cleanPostRef(ref: string): string {
  return ref.trim().replace(/^<|>$/g, '').replace(/^#/, '').split('|')[0]!.trim();
}

/**
 * `show`: an archived post with its versions, replies, media, captures, appraisal and evidence.
 * Throws a UsageError (`post.which`, `post.not-found`) when the reference is empty or unknown.
 */
export async function showArchivedPost(
  archive: Archive,
  ref: string,
  lookupKeys: LookupKeys,
): Promise<PostDetail> {
  const clean = cleanPostRef(ref);
  if (!clean) throw new UsageError('give a post number (#12) or its link', 'post.which');
  const id = await findPostId(archive.db, clean, lookupKeys(clean));
  const detail = id === undefined ? undefined : await showPost(archive.db, id);
  if (!detail) throw new UsageError(`no archived post matches ${clean}`, 'post.not-found', { ref: clean });
  return detail;
}
