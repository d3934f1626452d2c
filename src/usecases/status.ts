import type { Archive } from '../store/archive.ts';
import { failuresSince, recentCaptures } from '../store/chat.ts';
import { type InstanceRow, listInstances } from '../store/instances.ts';

export interface ArchiveStatus {
  /** The capture queue's job counts (waiting, active, delayed, failed, …); null when no queue is reachable. */
  queue: Record<string, number> | null;
  /** Captures that failed in the last 24 hours (each requested capture counted once, not each retry). */
  failed24h: number;
  posts: number;
  versions: number;
  recent: Awaited<ReturnType<typeof recentCaptures>>;
  /** The Mastodon-API servers met: software, version and what each was found to support. */
  instances: InstanceRow[];
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
    failed24h: await failuresSince(db, since),
    posts: totals?.posts ?? 0,
    versions: totals?.versions ?? 0,
    recent: await recentCaptures(db, opts.recent ?? 5),
    instances: await listInstances(db),
  };
}
