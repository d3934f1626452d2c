import { userInfo } from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CapturePipeline } from './capture/pipeline.ts';
import { formatBackfill, formatCapture, formatSearch, formatShow, formatVerify } from './cli/format.ts';
import { registerKbCommands } from './cli/kb.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { CaptureError, UsageError } from './domain/errors.ts';
import { ACCOUNT_ROLES, type AccountRole } from './domain/types.ts';
import { verifyArchive } from './export/verify.ts';
import { createLogger } from './log.ts';
import { Archive } from './store/archive.ts';
import { findPostId, search, showPost } from './store/queries.ts';
import { TOOL_VERSION } from './version.ts';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

/** Thrown by a command to end with this exit code after it has said why. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function localUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

async function withArchive<T>(config: Config, work: (archive: Archive) => Promise<T>): Promise<T> {
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  try {
    return await work(archive);
  } finally {
    await archive.close();
  }
}

/** A progress bar on stderr for account backfills, when stderr is a terminal. */
function progressBar() {
  let bar: SingleBar | undefined;
  return {
    onProgress: (p: { posts: number; total: number | null; pages: number }) => {
      if (!process.stderr.isTTY) return;
      if (!bar) {
        bar = new SingleBar({
          format: 'backfill [{bar}] {value}/{total} posts · {pages} pages',
          stream: process.stderr,
          hideCursor: true,
        });
        bar.start(p.total ?? p.posts, p.posts, { pages: p.pages });
      }
      if (p.total === null || p.posts > p.total) bar.setTotal(p.posts);
      bar.update(p.posts, { pages: p.pages });
    },
    stop: () => bar?.stop(),
  };
}

export function buildProgram(io: Io = defaultIo, env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('archiefbot');
  let config: Config | undefined;
  const cfg = () => {
    config ??= loadConfig(env);
    return config;
  };
  const print = (json: boolean | undefined, data: unknown, text: () => string) =>
    io.out(json ? JSON.stringify(data, null, 2) : text());

  program
    .description(
      'Archiefbot keeps government social media as records: it captures posts with their replies, edits and ' +
        'media into WARC evidence files and a searchable SQLite archive, and proves nothing was altered.',
    )
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Data lives in ARCHIEFBOT_DATA_DIR (default ./data): archiefbot.db and warc/*.warc.gz.
Examples:
  archiefbot capture https://social.overheid.nl/@minbzk/113012345678901234
  archiefbot capture https://bsky.app/profile/minbzk.bsky.social      (every post of the account)
  archiefbot search "woo verzoek" --since 2025-01-01
  archiefbot verify`,
    );

  program
    .command('capture')
    .description('capture a post (with replies, edit history and media), a whole account, or any web page')
    .argument('<url>', 'a Mastodon or Bluesky post or account URL, an at:// URI, or any http(s) URL')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked for this capture (written to the audit log)', localUser())
    .addHelpText(
      'after',
      `
A post URL captures the post, its thread (parents and replies), the platform's edit history and its media.
An account URL (https://host/@user, https://bsky.app/profile/<handle>) captures every post the platform serves,
with a progress bar; interrupt it with Ctrl-C and run the same command again to resume where it stopped.
Capturing unchanged content records the sighting but no new version. Exit 1 with the reason when it fails.`,
    )
    .action(async (url: string, opts: { json?: boolean; as: string }) => {
      const config = cfg();
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config, createLogger());
        const bar = progressBar();
        let stop = false;
        let interrupts = 0;
        const onSigint = () => {
          interrupts++;
          if (interrupts > 1) process.exit(130);
          stop = true;
          io.err('\nStopping after the page in hand is saved (Ctrl-C again to quit at once)…');
        };
        process.on('SIGINT', onSigint);
        try {
          const outcome = await pipeline.capture(
            { url, trigger: 'command', requestedBy: opts.as, channel: 'cli' },
            { shouldStop: () => stop, onProgress: bar.onProgress },
          );
          bar.stop();
          print(opts.json, outcome, () =>
            outcome.kind === 'post' ? formatCapture(outcome) : formatBackfill(outcome),
          );
          if (outcome.kind === 'account' && !outcome.complete) throw new Exit(130);
        } finally {
          bar.stop();
          process.off('SIGINT', onSigint);
          await pipeline.close();
        }
      });
    });

  program
    .command('show')
    .description(
      'show an archived post: every version (time, hash, what changed), replies, media, captures and evidence',
    )
    .argument('<id|url>', 'the archive id (#12), the post URL, or its platform id (at://…, ActivityPub URI)')
    .option('--json', 'print one JSON document instead of text')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const config = cfg();
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config);
        const id = await findPostId(archive.db, ref.replace(/^#/, ''), pipeline.lookupKeys(ref));
        await pipeline.close();
        const detail = id === undefined ? undefined : await showPost(archive.db, id);
        if (!detail) {
          if (opts.json)
            io.out(JSON.stringify({ error: { code: 'not-in-archive', message: `no archived post ${ref}` } }));
          io.err(`No archived post matches ${ref}. Capture it first: archiefbot capture <url>`);
          throw new Exit(1);
        }
        print(opts.json, detail, () => formatShow(detail));
      });
    });

  program
    .command('search')
    .description(
      'full-text search over every version of every archived post (diacritics folded: "ministerie" finds "ministérie")',
    )
    .argument('<query...>', 'words that must all occur; "a phrase" in quotes; prefix* ; OR between words')
    .addOption(
      new Option('--platform <platform>', 'only this platform').choices(['mastodon', 'bluesky', 'web']),
    )
    .option(
      '--author <handle>',
      'only posts by this account (user@host, handle, or part of the display name)',
    )
    .option('--since <date>', 'posted on or after this date (2025-03-01 or an ISO time)')
    .option('--until <date>', 'posted on or before this date (a date includes the whole day)')
    .option('--limit <n>', 'at most this many hits', positiveInt, 20)
    .option('--json', 'print one JSON document instead of text')
    .action(
      async (
        words: string[],
        opts: {
          platform?: string;
          author?: string;
          since?: string;
          until?: string;
          limit: number;
          json?: boolean;
        },
      ) => {
        const query = words.join(' ');
        await withArchive(cfg(), async (archive) => {
          const hits = await search(archive.db, query, opts);
          print(opts.json, { query, hits }, () => formatSearch(query, hits));
        });
      },
    );

  program
    .command('verify')
    .description(
      're-read every WARC record the archive points at, recompute its SHA-256 digests, and check the audit chain',
    )
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', '\nExit 0 when everything holds; exit 1 naming every broken item.')
    .action(async (opts: { json?: boolean }) => {
      await withArchive(cfg(), async (archive) => {
        const report = await verifyArchive(archive, (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\rverifying ${done}/${total} records…`);
        });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        print(opts.json, report, () => formatVerify(report));
        if (!report.ok) {
          if (opts.json) io.err(`${report.problems.length} problems found`);
          throw new Exit(1);
        }
      });
    });

  program
    .command('watch')
    .description(
      'watch an account: secure every post once, then the bot polls it and re-checks its posts for edits and deletions',
    )
    .argument(
      '<account>',
      'account URL (https://social.overheid.nl/@minbzk), @user@instance, or a Bluesky handle',
    )
    .option(
      '--every <seconds>',
      'how often to look for new posts (default monitor.pollIntervalSeconds)',
      positiveInt,
    )
    .option('--org <name>', 'the organisation whose records these are (archiefvormer)')
    .addOption(new Option('--role <role>', "the account's role, for appraisal").choices([...ACCOUNT_ROLES]))
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked (written to the audit log)', localUser())
    .action(
      async (
        input: string,
        opts: {
          every?: number;
          org?: string;
          role?: AccountRole;
          json?: boolean;
          as: string;
        },
      ) => {
        const config = cfg();
        const { watchAccount } = await import('./monitor/watch.ts');
        await withArchive(config, async (archive) => {
          const pipeline = new CapturePipeline(archive, config, createLogger());
          const bar = progressBar();
          try {
            const r = await watchAccount(pipeline, input, {
              intervalSeconds: opts.every ?? config.monitor.pollIntervalSeconds,
              organisation: opts.org,
              role: opts.role,
              by: opts.as,
              source: 'command',
              capture: { onProgress: bar.onProgress },
            });
            bar.stop();
            const out = {
              account: {
                platform: r.watch.platform,
                handle: r.watch.handle,
                organisation: r.watch.organisation,
                role: r.watch.role,
              },
              url: r.watch.url,
              everySeconds: r.watch.interval_seconds,
              created: r.created,
              backfill: {
                posts: r.backfill.posts,
                newVersions: r.backfill.newVersions,
                complete: r.backfill.complete,
              },
            };
            print(opts.json, out, () =>
              [
                `Watching ${r.watch.platform} account ${r.watch.handle}${r.created ? '' : ' (already watched; settings updated)'}`,
                `  ${r.backfill.posts} posts secured, ${r.backfill.newVersions} new versions${r.backfill.complete ? '' : ' (backfill incomplete: it resumes on the next poll)'}`,
                `  polled every ${r.watch.interval_seconds} s while \`archiefbot serve\` (or \`archiefbot worker\`) runs`,
              ].join('\n'),
            );
          } finally {
            bar.stop();
            await pipeline.close();
          }
        });
      },
    );

  program
    .command('unwatch')
    .description('stop watching an account (everything archived stays)')
    .argument('<account>', 'account URL, @user@instance, or Bluesky handle')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked (written to the audit log)', localUser())
    .action(async (input: string, opts: { json?: boolean; as: string }) => {
      const config = cfg();
      const { unwatchAccount } = await import('./monitor/watch.ts');
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config);
        const handle = await unwatchAccount(pipeline, input, opts.as).finally(() => pipeline.close());
        if (!handle) {
          if (opts.json)
            io.out(
              JSON.stringify({ error: { code: 'not-watched', message: `${input} is not being watched` } }),
            );
          io.err(`${input} is not being watched (see: archiefbot watching)`);
          throw new Exit(1);
        }
        print(
          opts.json,
          { unwatched: handle },
          () => `No longer watching ${handle}; what was archived stays.`,
        );
      });
    });

  program
    .command('watching')
    .description('the accounts being watched')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      const { listWatches } = await import('./store/monitor.ts');
      await withArchive(cfg(), async (archive) => {
        const list = (await listWatches(archive.db, { active: true })).map((w) => ({
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
        print(opts.json, { watching: list }, () =>
          list.length
            ? list
                .map(
                  (w) =>
                    `${w.platform} ${w.handle}${w.organisation ? ` — ${w.organisation}` : ''} (${w.role}) every ${w.everySeconds} s, last polled ${w.lastPolledAt ?? 'not yet'}`,
                )
                .join('\n')
            : 'No accounts are watched. Start with: archiefbot watch <account>',
        );
      });
    });

  program
    .command('recheck')
    .description(
      'run one re-check pass now: the posts that are due (or --all), edits, deletions and the rest',
    )
    .option('--all', 'every post that can be re-checked, due or not')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText(
      'after',
      '\nOutcomes: unchanged, edited (a new version is captured), deleted (not found, asked twice), unavailable\n(suspended, private, login required), restored (back after a loss), error (never counted as a deletion).\nAlerts are stored; `archiefbot serve` delivers them to subscribed channels.',
    )
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const config = cfg();
      const { Rechecker } = await import('./monitor/recheck.ts');
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config, createLogger());
        try {
          const pass = await new Rechecker(pipeline, config).pass({ all: opts.all });
          const out = { checked: pass.checked, outcomes: pass.outcomes, alerts: pass.alerts };
          print(opts.json, out, () => {
            const counts = new Map<string, number>();
            for (const o of pass.outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
            const lines = [
              `Checked ${pass.checked} posts: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none were due'}.`,
            ];
            for (const o of pass.outcomes.filter((x) => x.outcome !== 'unchanged'))
              lines.push(`  #${o.id} ${o.outcome}: ${o.detail} — ${o.url}`);
            if (pass.alerts.length) lines.push(`${pass.alerts.length} new alerts (see: archiefbot alerts)`);
            return lines.join('\n');
          });
        } finally {
          await pipeline.close();
        }
      });
    });

  program
    .command('alerts')
    .description('recent alerts: edited, deleted, restored, unavailable, degraded')
    .option('--since <date>', 'from this date or time (default: the last 7 days)')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { since?: string; limit: number; json?: boolean }) => {
      const { listAlerts } = await import('./store/monitor.ts');
      let since = new Date(Date.now() - 7 * 86_400_000).toISOString();
      if (opts.since) {
        const ms = Date.parse(opts.since);
        if (Number.isNaN(ms))
          throw new UsageError(`--since must be a date like 2025-03-01, not "${opts.since}"`);
        since = new Date(ms).toISOString();
      }
      await withArchive(cfg(), async (archive) => {
        const rows = await listAlerts(archive.db, { since, limit: opts.limit });
        const alerts = rows.map((a) => ({
          id: a.id,
          kind: a.kind,
          post: a.post_id,
          account: (JSON.parse(a.detail) as { account?: string }).account ?? null,
          detectedAt: a.detected_at,
          acknowledgedBy: a.acknowledged_by,
          detail: JSON.parse(a.detail) as unknown,
        }));
        print(opts.json, { alerts }, () =>
          alerts.length
            ? alerts
                .map(
                  (a) =>
                    `#${a.id} ${a.kind} ${a.account ?? ''} post #${a.post ?? '-'} ${a.detectedAt}${a.acknowledgedBy ? ` (seen by ${a.acknowledgedBy})` : ''}`,
                )
                .join('\n')
            : `No alerts since ${since}.`,
        );
      });
    });

  program
    .command('serve')
    .description(
      'run the bot: chat adapters for every configured platform (the terminal chat when none is), and the capture worker',
    )
    .option('--no-worker', 'do not run the capture worker here (run `archiefbot worker` apart)')
    .addOption(
      new Option('--shell <when>', 'the terminal chat').choices(['auto', 'on', 'off']).default('auto'),
    )
    .option(
      '--port <n>',
      'HTTP port for webhooks and /healthz (default ARCHIEFBOT_HTTP_PORT or 3978)',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new InvalidArgumentError('must be a port number');
        return n;
      },
    )
    .addHelpText(
      'after',
      `
Adapters start for each platform whose settings are in the environment:
  Slack       SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (SLACK_APP_TOKEN for Socket Mode; SLACK_API_URL for a gateway)
  Teams       MICROSOFT_APP_ID + MICROSOFT_APP_PASSWORD (+ MICROSOFT_APP_TENANT_ID); TEAMS_ENABLED=true without auth (not in production)
  Mattermost  MATTERMOST_URL + MATTERMOST_TOKEN (+ MATTERMOST_COMMAND_TOKEN for the slash command)
With none of them and a terminal on stdin, you get the terminal chat. Redis comes from REDIS_URL, or a private
redis-server is started with its data under ARCHIEFBOT_DATA_DIR/redis. Ctrl-C stops gracefully.`,
    )
    .action(async (opts: { worker: boolean; shell: 'auto' | 'on' | 'off'; port?: number }) => {
      const { serve } = await import('./serve.ts');
      const { ADAPTER_FACTORIES } = await import('./bots/registry.ts');
      const shellLikely =
        opts.shell === 'on' ||
        (opts.shell === 'auto' && process.stdin.isTTY && !ADAPTER_FACTORIES.some((f) => f.configured(env)));
      const logFile = path.join(cfg().dataDir, 'archiefbot.log');
      const log = createLogger('info', shellLikely ? logFile : undefined);
      if (shellLikely) io.err(`(logs go to ${logFile})`);
      const running = await serve(cfg(), {
        env,
        log,
        worker: opts.worker,
        shell: opts.shell,
        port: opts.port,
      });
      if (!running.shellDone)
        io.err(
          `archiefbot serving on port ${running.port} (${[...running.adapters.keys()].join(', ') || 'no chat adapters'}); Ctrl-C to stop`,
        );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        running.shellDone?.then(resolve);
      });
      io.err('stopping: finishing running captures…');
      await running.stop();
    });

  program
    .command('worker')
    .description(
      'run the capture queue worker (BullMQ on Redis; REDIS_URL) that the chat bots hand captures to',
    )
    .option('--concurrency <n>', 'captures at once', positiveInt, 2)
    .action(async (opts: { concurrency: number }) => {
      const config = cfg();
      if (!config.redis.url)
        throw new UsageError('set REDIS_URL (for example redis://127.0.0.1:6379) to run the worker');
      const { runWorker } = await import('./queue/capture-queue.ts');
      await runWorker(config, { concurrency: opts.concurrency, log: createLogger('info') });
    });

  registerKbCommands(program, { io, config: cfg, fail: (code) => new Exit(code) });

  for (const c of program.commands) c.showHelpAfterError(`(run "archiefbot ${c.name()} --help" for usage)`);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 the work failed, 2 bad usage or configuration). */
export async function main(
  argv: string[],
  io: Io = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = buildProgram(io, env).exitOverride();
  for (const c of program.commands) c.exitOverride();
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? 0
        : 2;
    }
    if (err instanceof CaptureError) {
      if (json) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }));
      io.err(`capture failed: ${err.message}`);
      return 1;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      if (json) io.out(JSON.stringify({ error: { code: 'usage', message: err.message } }));
      io.err(err.message);
      return 2;
    }
    io.err(`archiefbot: unexpected error: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
