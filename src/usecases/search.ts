import type { Archive } from '../store/archive.ts';
import { type SearchFilters, type SearchHit, type SearchSort, search } from '../store/queries.ts';

export type { SearchHit, SearchSort };

export interface SearchRequest extends Omit<SearchFilters, 'limit'> {
  query: string;
  /** Hits per page (default 20). */
  limit?: number;
  /**
   * 1-based page, for a chat button that names it: reached by walking the cursors of the pages
   * before it (each a keyset step, never an offset). `after` goes straight to the page after a cursor.
   */
  page?: number;
}

export interface SearchResult {
  query: string;
  sort: SearchSort;
  hits: SearchHit[];
  page: number;
  /** There are hits after this page. */
  more: boolean;
  /** The cursor of the next page (`--after`), or null on the last page. */
  next: string | null;
  /** Matching posts on a first page: exact, or at least this many when counting would be expensive. */
  total: { count: number; exact: boolean } | null;
}

/** A page named by number is walked to through at most this many cursors. */
const MAX_WALK = 50;

/**
 * `search`: full-text search over every version, one hit per post, newest archived first (or best
 * first with `sort: 'relevance'`). Throws a UsageError (`search.no-words`, `search.bad-date`,
 * `search.bad-cursor`) for a query without words, a date that is no date, or a cursor that is none.
 */
export async function searchArchive(archive: Archive, req: SearchRequest): Promise<SearchResult> {
  const { query, page: wanted, ...filters } = req;
  const sort = filters.sort ?? 'newest';
  const page = Math.min(Math.max(1, wanted ?? 1), MAX_WALK);
  let after = filters.after;
  let result = await search(archive.db, query, { ...filters, after });
  const total = result.total;
  for (let n = 1; n < page && result.next; n++) {
    after = result.next;
    result = await search(archive.db, query, { ...filters, after });
  }
  return { query, sort, hits: result.hits, page, more: result.next !== null, next: result.next, total };
}
