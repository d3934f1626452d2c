import { wordDiff } from '../domain/diff.ts';
import type { Archive } from '../store/archive.ts';
import { type LookupKeys, type PostDetail, showArchivedPost } from './post.ts';

export type HistoryVersion = PostDetail['versions'][number] & {
  /** The text of this version against the one before, as a word diff ([-removed-]{+added+}); the whole text for v1. */
  diff: string;
};

export interface PostHistory {
  post: PostDetail['post'];
  versions: HistoryVersion[];
}

/** `history`: every version of a post, oldest first, each with a word diff of its text against the previous one. */
export async function postHistory(
  archive: Archive,
  ref: string,
  lookupKeys: LookupKeys,
): Promise<PostHistory> {
  const d = await showArchivedPost(archive, ref, lookupKeys);
  const versions = d.versions.map((v, i) => {
    const prev = d.versions[i - 1];
    return { ...v, diff: prev ? wordDiff(prev.text, v.text) : v.text };
  });
  return { post: d.post, versions };
}
