import type { ConnectorFactory, PlatformReadiness } from '../capture/connector.ts';
import type { Config } from '../config.ts';
import { PLATFORMS } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import { failuresSince, recentCaptures } from '../store/chat.ts';
import type { Db } from '../store/db.ts';
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
  /** Every platform: ready, not configured (and the variable to set), its quota or budget; null: not asked. */
  platforms: PlatformStatus[] | null;
}

/** A platform as `status` shows it: its connector's readiness, or `unsupported` when no connector reads it. */
export interface PlatformStatus extends Omit<PlatformReadiness, 'state'> {
  state: PlatformReadiness['state'] | 'unsupported';
}

/**
 * Each of the platforms (PLATFORMS, in that order) as its connectors report it: the first connector
 * with a readiness report for the platform (credentials, quota left), else ready when a connector
 * reads it without credentials (Mastodon, Bluesky, web pages), else unsupported. `db`: the archive's
 * index, where the connectors count what they spend. The connectors' code (the registry's, unless
 * `factories` are given) is loaded when this runs, not with this module: archiveStatus (the viewer's
 * and the chat's status) needs none of it (start-up time, issue 16).
 */
export async function platformStatus(
  config: Config,
  db?: Db,
  factories?: ConnectorFactory[],
): Promise<PlatformStatus[]> {
  const all = factories ?? (await import('../capture/registry.ts')).CONNECTOR_FACTORIES;
  const { canReportReadiness } = await import('../capture/connector.ts');
  const connectors = all.map((f) => f.create(config, db));
  const out: PlatformStatus[] = [];
  for (const platform of PLATFORMS) {
    const readers = connectors.filter((c) => (c as { platform?: string }).platform === platform);
    const reporter = readers.find(canReportReadiness);
    if (reporter) out.push(await reporter.readiness(db));
    else out.push({ platform, state: readers.length ? 'ready' : 'unsupported' });
  }
  return out;
}

/** `status`: the queue, the archive's size, failures of the last day and the latest captures. */
export async function archiveStatus(
  archive: Archive,
  opts: {
    /** The queue's counts; null (or no function) when there is no queue or it cannot be reached. */
    queueCounts?: () => Promise<Record<string, number> | null>;
    /** The platforms' readiness (platformStatus); absent: `platforms` is null. */
    platforms?: () => Promise<PlatformStatus[]>;
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
    platforms: opts.platforms ? await opts.platforms() : null,
  };
}
