import type { Archive } from '../store/archive.ts';
import { type SearchFilters, search } from '../store/queries.ts';

export type SearchHit = Awaited<ReturnType<typeof search>>[number];

export interface SearchRequest extends Omit<SearchFilters, 'limit'> {
  query: string;
  /** Hits per page (default 20). */
  limit?: number;
  /** 1-based page. */
  page?: number;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  page: number;
  /** There are hits after this page. */
  more: boolean;
}

/**
 * `search`: full-text search over every version, one hit per post, best first. Throws a UsageError
 * (`search.no-words`, `search.bad-date`) for a query without words or a date that is no date.
 */
export async function searchArchive(archive: Archive, req: SearchRequest): Promise<SearchResult> {
  const limit = req.limit ?? 20;
  const page = Math.max(1, req.page ?? 1);
  const { query, page: _page, limit: _limit, ...filters } = req;
  const all = await search(archive.db, query, { ...filters, limit: page * limit + 1 });
  return { query, hits: all.slice((page - 1) * limit, page * limit), page, more: all.length > page * limit };
}
