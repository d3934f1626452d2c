import { diffWords } from 'diff';

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
