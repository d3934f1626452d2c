/**
 * Migration 21: the FTS5 index's word list, for search (issue 16).
 *
 * `version_words` is an fts5vocab table over `version_fts`: one row per indexed word (after folding:
 * lower case, diacritics removed). It stores nothing and rebuilds nothing — it reads the index
 * itself, so it is created instantly on any archive. Search spells a prefix (`minister*`) out as its
 * words (`minister OR ministerie OR …`) through it: FTS5 then finds a version by a word's own list
 * instead of merging every list the prefix covers, once per statement (5 ms at a million versions),
 * which made a prefix with a narrow filter cost 40–70 ms. A prefix index (`prefix=` on version_fts)
 * was not chosen: it serves only prefixes of exactly the lengths it was built for, grows the index by
 * about one copy per length, and would rebuild the whole index on every existing archive.
 */
export const migration21 = {
  version: 21,
  name: 'search: the FTS5 word list (fts5vocab), to spell a prefix out as its words',
  sql: `
CREATE VIRTUAL TABLE version_words USING fts5vocab(version_fts, 'row');
`,
};
