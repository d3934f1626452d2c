/**
 * `archiefbot demo --once`: the whole story, unattended — watch the ministry's accounts (backfill),
 * capture a post with its replies and media, let the platforms edit one post and delete another,
 * re-check until both alerts are raised, and verify the archive.
 */
import type { Logger } from 'pino';
import { CapturePipeline } from '../capture/pipeline.ts';
import type { Config } from '../config.ts';
import { verifyArchive } from '../export/verify.ts';
import { Rechecker } from '../monitor/recheck.ts';
import { watchAccount } from '../monitor/watch.ts';
import { Archive } from '../store/archive.ts';
import { listAlerts } from '../store/monitor.ts';
import type { DemoPlatforms } from './platforms.ts';

export interface DemoSummary {
  platforms: string[];
  dataDir: string;
  captured: number;
  versions: number;
  alerts: { kind: string; post: number | null }[];
  verify: { ok: boolean; records: number; problems: string[] };
}

/** The post the demo edits and the one it deletes (numbers as `demo list` shows them). */
export const EDITED = 1;
export const DELETED = 3;

export async function runDemoOnce(
  config: Config,
  platforms: DemoPlatforms,
  opts: { log?: Logger; say?: (line: string) => void } = {},
): Promise<DemoSummary> {
  const say = opts.say ?? (() => {});
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config, opts.log);
  try {
    for (const url of [platforms.data.mastodonAccount, platforms.data.blueskyAccount]) {
      const r = await watchAccount(pipeline, url, {
        intervalSeconds: config.monitor.pollIntervalSeconds,
        organisation: 'Ministerie van BZK',
        role: 'corporate',
        by: 'demo',
        source: 'command',
      });
      say(`watching ${r.watch.handle}: ${r.backfill.posts} posts secured`);
    }
    const first = platforms.post(EDITED);
    await pipeline.capture({ url: first.url, trigger: 'command', requestedBy: 'demo' });
    say(`captured ${first.url} with its replies and media`);
    platforms.edit(EDITED, `${first.text} Ook op zaterdagochtend.`);
    platforms.remove(DELETED);
    say(`the platform edited post ${EDITED} and deleted post ${DELETED}; re-checking`);
    const rechecker = new Rechecker(pipeline, config, opts.log);
    const wanted = () => listAlerts(archive.db, { limit: 100 });
    // A deletion is believed only when the platform says so twice, so it may take a second pass.
    for (let pass = 0; pass < 4; pass++) {
      await rechecker.pass({ all: true });
      const kinds = new Set((await wanted()).map((a) => a.kind));
      if (kinds.has('edited') && kinds.has('deleted')) break;
    }
    const alerts = (await wanted()).reverse().map((a) => ({ kind: a.kind, post: a.post_id }));
    for (const a of alerts) say(`alert: post #${a.post} ${a.kind}`);
    const report = await verifyArchive(archive);
    say(
      `verify: ${report.ok ? 'every record and the audit chain hold' : `${report.problems.length} problems`}`,
    );
    const totals = await archive.db.get<{ posts: number; versions: number }>(
      'SELECT (SELECT count(*) FROM post) AS posts, (SELECT count(*) FROM version) AS versions',
    );
    return {
      platforms: ['mastodon', 'bluesky'],
      dataDir: config.dataDir,
      captured: totals?.posts ?? 0,
      versions: totals?.versions ?? 0,
      alerts,
      verify: { ok: report.ok, records: report.records, problems: report.problems },
    };
  } finally {
    await pipeline.close();
    await archive.close();
  }
}
