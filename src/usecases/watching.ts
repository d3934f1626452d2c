import type { Archive } from '../store/archive.ts';
import { listWatches } from '../store/monitor.ts';

export interface WatchedAccount {
  platform: string;
  handle: string;
  url: string;
  organisation: string | null;
  role: string;
  everySeconds: number;
  backfilledAt: string | null;
  lastPolledAt: string | null;
  pollErrors: number;
}

/** `watching`: the accounts being watched, with how often and how recently they were polled. */
export async function watchedAccounts(archive: Archive): Promise<WatchedAccount[]> {
  return (await listWatches(archive.db, { active: true })).map((w) => ({
    platform: w.platform,
    handle: w.handle,
    url: w.url,
    organisation: w.organisation,
    role: w.role,
    everySeconds: w.interval_seconds,
    backfilledAt: w.backfilled_at,
    lastPolledAt: w.last_polled_at,
    pollErrors: w.poll_errors,
  }));
}
