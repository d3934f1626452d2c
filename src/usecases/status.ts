import type { Archive } from '../store/archive.ts';
import { recentCaptures } from '../store/chat.ts';

export interface ArchiveStatus {
  /** The capture queue's job counts (waiting, active, delayed, failed, …); null when no queue is reachable. */
  queue: Record<string, number> | null;
  /** Captures that failed in the last 24 hours (each requested capture counted once, not each retry). */
  failed24h: number;
  posts: number;
  versions: number;
  recent: Awaited<ReturnType<typeof recentCaptures>>;
}

/**
 * A retry of a failed capture job is a capture row of its own; one that failed again within this many
 * minutes of the last failure of the same URL, asker and channel is counted as the same capture (the
 * queue's retries of one job take well under a minute plus the tries themselves). Captures run by the
 * CLI (channel `cli`) are never retried: each one counts.
 */
const RETRY_SPAN_MINUTES = 5;

/** Failed captures since `since`, each requested capture once however often the queue retried it. */
async function failedCaptures(archive: Archive, since: string): Promise<number> {
  const row = await archive.db.get<{ n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT channel, started_at, lag(started_at) OVER (
         PARTITION BY url, coalesce(requested_by, ''), coalesce(channel, '') ORDER BY started_at, id
       ) AS previous
       FROM capture WHERE status = 'failed' AND started_at >= ?
     ) WHERE previous IS NULL OR channel IS 'cli' OR julianday(started_at) - julianday(previous) > ? / 1440.0`,
    [since, RETRY_SPAN_MINUTES],
  );
  return row?.n ?? 0;
}

/** `status`: the queue, the archive's size, failures of the last day and the latest captures. */
export async function archiveStatus(
  archive: Archive,
  opts: {
    /** The queue's counts; null (or no function) when there is no queue or it cannot be reached. */
    queueCounts?: () => Promise<Record<string, number> | null>;
    recent?: number;
    now?: number;
  } = {},
): Promise<ArchiveStatus> {
  const db = archive.db;
  const since = new Date((opts.now ?? Date.now()) - 86_400_000).toISOString();
  const totals = await db.get<{ posts: number; versions: number }>(
    'SELECT (SELECT count(*) FROM post) AS posts, (SELECT count(*) FROM version) AS versions',
  );
  return {
    queue: opts.queueCounts ? await opts.queueCounts() : null,
    failed24h: await failedCaptures(archive, since),
    posts: totals?.posts ?? 0,
    versions: totals?.versions ?? 0,
    recent: await recentCaptures(db, opts.recent ?? 5),
  };
}
