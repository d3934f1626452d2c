import { diffWords } from 'diff';
import type { PostContent } from './types.ts';

/** Word diff in the style of `git diff --word-diff`: [-removed-]{+added+}. */
export function wordDiff(before: string, after: string): string {
  return diffWords(before, after)
    .map((part) => {
      if (!part.added && !part.removed) return part.value;
      // Keep the spaces around a change outside its markers: "is {+vanaf maandag+} beschikbaar".
      const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(part.value)!;
      return core ? `${lead}${part.added ? `{+${core}+}` : `[-${core}-]`}${trail}` : part.value;
    })
    .join('');
}

/** What a reader sees as the text of a version: title, content warning and text (not media descriptions). */
export function readableText(c: Pick<PostContent, 'title' | 'spoilerText' | 'text'>): string {
  return [c.title, c.spoilerText, c.text].filter(Boolean).join('\n\n');
}

export interface MediaChanges {
  added: number;
  removed: number;
  /** Media kept, with another description (alt text). */
  described: number;
}

/** How the media of a post changed between two versions (by the platform's media key). */
export function mediaChanges(before: PostContent['media'], after: PostContent['media']): MediaChanges {
  const was = new Map(before.map((m) => [m.key, m.description ?? null]));
  const now = new Map(after.map((m) => [m.key, m.description ?? null]));
  let described = 0;
  for (const [key, d] of now) if (was.has(key) && was.get(key) !== d) described++;
  return {
    added: [...now.keys()].filter((k) => !was.has(k)).length,
    removed: [...was.keys()].filter((k) => !now.has(k)).length,
    described,
  };
}
