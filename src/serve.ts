import { createServer, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'bullmq';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ADAPTER_FACTORIES, type AdapterContext } from './bots/registry.ts';
import { ShellAdapter } from './bots/shell.ts';
import { CapturePipeline } from './capture/pipeline.ts';
import type { ChatAdapter } from './chat/adapter.ts';
import { Bot, type KnowledgeService } from './chat/bot.ts';
import { CaptureNotifier, ChatCaptureService } from './chat/captures.ts';
import type { ReplyTarget } from './chat/chat.ts';
import { ChatCommunity } from './chat/community.ts';
import { startChatExports } from './chat/exports.ts';
import { ChatKnowledge } from './chat/knowledge.ts';
import { Outbox } from './chat/outbox.ts';
import { watchNotice } from './chat/present-watch.ts';
import { alertReply } from './chat/presenters.ts';
import { Roles } from './chat/roles.ts';
import { type Config, ConfigError } from './config.ts';
import { UsageError } from './domain/errors.ts';
import { startSealing } from './export/seal.ts';
import { metaWebhooks } from './monitor/meta-webhook.ts';
import { Monitor } from './monitor/service.ts';
import { loadAccountsFile } from './monitor/watch.ts';
import { CaptureQueue, redisConnection } from './queue/capture-queue.ts';
import { archiveHealth, redisHealth, workerHealth } from './queue/health.ts';
import { startPrivateRedis } from './queue/redis-server.ts';
import { Archive } from './store/archive.ts';
import { platformStatus } from './usecases/status.ts';
import { viewerRouter } from './viewer/app.ts';
import { startWorkers } from './worker.ts';

export interface ServeOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Run the capture worker in this process (default) or leave it to `archiefbot worker`. */
  worker: boolean;
  /** Start the terminal chat: `auto` = when no platform is configured and stdin is a terminal. */
  shell: 'auto' | 'on' | 'off';
  port?: number;
  knowledge?: KnowledgeService;
  stdin?: NodeJS.ReadableStream;
}

export interface Running {
  port: number;
  /** The Redis serve uses (REDIS_URL or its private redis-server). */
  redisUrl: string;
  adapters: Map<string, ChatAdapter>;
  outbox: Outbox;
  bot: Bot;
  monitor: Monitor;
  /** Resolves when the shell session ends (Ctrl-D) — serve then stops by itself. */
  shellDone: Promise<void> | null;
  stop(): Promise<void>;
}

type Stops = (() => Promise<unknown>)[];

/**
 * How far V8's old space may grow past what survived its last full collection before the next one:
 * 50 %. V8's own factor rises to 4× when garbage comes fast; under chat load (Bolt, the Slack
 * client and fetch leave ~0.1 MB of short-lived objects per command, a tenth of it outliving the young
 * generation) serve's RSS then climbed from 280 to 395 MB between 1,000 and 10,000 commands around
 * 70 MB of live objects, and stayed there. At 1.5× it stays at about 230 MB (bench/README.md, chat
 * memory). A `--heap-growing-percent` given to node itself wins.
 */
export const HEAP_GROWING_PERCENT = 50;

/** Applies HEAP_GROWING_PERCENT to this process (it is read at every full collection); null when node was given its own. */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): number | null {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent')))
    return null;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}

/**
 * One full collection, once serve has started: V8 sizes its old space anew at each full collection,
 * and until its first one it keeps the limit it started with, which lets the old space reach ~200 MB
 * of garbage first (a peak of 340–360 MB RSS around 3,000 commands in two of three bench runs).
 */
export function collectAfterStart(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void; // only the new context gets `gc`, not this one
  setFlagsFromString('--no-expose-gc');
  gc();
}

/** REDIS_URL, or a private redis-server with its files under the data directory. */
async function redisFor(config: Config, stops: Stops, log: Logger): Promise<string> {
  if (config.redis.url) return config.redis.url;
  const own = await startPrivateRedis(config.dataDir, 'redis-server', { restart: true, log });
  stops.push(own.stop);
  log.info({ url: own.url }, 'started a private redis-server (set REDIS_URL to use your own)');
  return own.url;
}

/**
 * `/healthz`: Redis, the capture worker and the archive each with its own verdict; 503 when one of
 * them is down (Redis unreachable, the worker not running where it should, the archive not writable).
 */
function healthz(
  app: Express,
  parts: {
    redis: Redis;
    archive: Archive;
    outbox: Outbox;
    worker: () => Worker | undefined;
    inProcess: boolean;
  },
): void {
  app.get('/healthz', async (_req, res) => {
    const [redis, archive] = await Promise.all([redisHealth(parts.redis), archiveHealth(parts.archive)]);
    const worker = workerHealth(parts.worker(), parts.inProcess);
    const ok = redis.ok && worker.ok && archive.ok;
    const m = process.memoryUsage();
    const memory = {
      rssMb: mb(m.rss),
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      externalMb: mb(m.external),
    };
    res
      .status(ok ? 200 : 503)
      .json({ ok, redis, worker, archive, adapters: parts.outbox.platforms(), memory });
  });
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

/** Listens for webhooks and /healthz; returns the port (the one asked for, or the one given for 0). */
async function listen(app: Express, host: string, port: number, stops: Stops): Promise<number> {
  const server: Server = await new Promise((resolve, reject) => {
    // node's own listen: Express 5's app.listen hands a listen error to the callback as if it listened.
    const s = createServer(app);
    s.listen(port, host, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        reject(new UsageError(`port ${port} is already in use`, 'serve.port-taken', { port, host }));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
        reject(new UsageError(`cannot listen on ${host}`, 'serve.bad-host', { host }));
      else reject(err);
    });
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return (server.address() as { port: number }).port;
}

/** An adapter for every platform whose settings are present; the terminal chat when asked or when none is. */
function registerAdapters(ctx: AdapterContext, outbox: Outbox, opts: ServeOptions): ShellAdapter | null {
  for (const factory of ADAPTER_FACTORIES) {
    if (factory.configured(ctx.env)) outbox.register(factory.create(ctx));
  }
  const wantShell =
    opts.shell === 'on' ||
    (opts.shell === 'auto' && outbox.adapters.size === 0 && Boolean(process.stdin.isTTY));
  if (!wantShell) return null;
  const shell = new ShellAdapter(ctx, {
    input: (opts.stdin ?? process.stdin) as never,
    output: process.stdout,
  });
  outbox.register(shell);
  return shell;
}

/**
 * Where the HTTP server listens: ARCHIEFBOT_HTTP_HOST, else only this machine (127.0.0.1) when no chat
 * platform is configured (the terminal chat needs no outside access), else every interface (0.0.0.0),
 * because the platforms' webhooks must reach it.
 */
export function httpHost(env: NodeJS.ProcessEnv): string {
  const chosen = env.ARCHIEFBOT_HTTP_HOST?.trim();
  if (chosen) return chosen;
  return ADAPTER_FACTORIES.some((f) => f.configured(env)) ? '0.0.0.0' : '127.0.0.1';
}

/**
 * `archiefbot serve`: one HTTP server for every webhook adapter plus /healthz, the capture worker,
 * an adapter for each platform whose settings are present (the shell when none is), Redis from
 * REDIS_URL or a private redis-server. Stops gracefully: adapters first (no new commands), then the
 * worker (running captures finish), the queues, Redis, and the archive.
 */
export async function serve(config: Config, opts: ServeOptions): Promise<Running> {
  const { env, log } = opts;
  const port = opts.port ?? Number(env.ARCHIEFBOT_HTTP_PORT ?? 3978);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`ARCHIEFBOT_HTTP_PORT must be a port number, not "${env.ARCHIEFBOT_HTTP_PORT}"`);
  }
  const host = httpHost(env);
  // The operator's files first: a mistake in them is one line and nothing started.
  const roles = Roles.load(env);
  loadAccountsFile(env);
  const stops: Stops = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err) => log.error({ err }, 'error while stopping'));
    }
  };
  try {
    // The port first: when it is taken, say so before anything else has started. Webhook routes are
    // mounted on the app below, as the adapters are made.
    const app = express();
    app.disable('x-powered-by');
    const actualPort = await listen(app, host, port, stops);
    const redisUrl = await redisFor(config, stops, log);
    const archive = await Archive.open(config.dataDir, config.warc, {
      recheckSchedule: config.monitor.recheckSchedule,
    });
    stops.push(() => archive.close());
    // The audit head sealed every hour and after each backfill (a seal outside the database).
    stops.push(startSealing(archive, config, log, { env }));
    const pipeline = new CapturePipeline(archive, config, log);
    stops.push(() => pipeline.close());
    const connection = redisConnection(redisUrl, log);
    stops.push(async () => connection.disconnect());
    const queue = new CaptureQueue(connection, config.capture.idempotencyWindowSeconds);
    stops.push(() => queue.close());
    const captures = new ChatCaptureService(queue, archive.db, log);
    // Everything the bot says on its own initiative goes out through the outbox, to the adapters
    // registered on it below.
    const outbox = new Outbox(new Map(), log);
    const adapters = outbox.adapters;
    const monitor = new Monitor({
      pipeline,
      config,
      connection,
      env,
      log,
      deliver: (alert, to) =>
        outbox.notify(
          { platform: to.platform, channel: to.channel } as ReplyTarget,
          alertReply(alert, to.lang),
        ),
      notice: (target, notice, lang) => outbox.notify(target, watchNotice(notice, lang)),
    });
    // The knowledge community (issue 18): open questions to the community channels, answers to the askers.
    const community = new ChatCommunity({ roles, outbox, channels: config.kb.communityChannel, log });
    const bot = new Bot({
      archive,
      captures,
      roles,
      checkUrl: (url) => void pipeline.resolve(url),
      lookupKeys: (ref) => pipeline.lookupKeys(ref),
      platforms: () => platformStatus(config, archive.db),
      knowledge: opts.knowledge ?? new ChatKnowledge(community),
      monitor,
      exports: startChatExports({ connection, archive, config, env, outbox, log, stops }),
      log,
    });

    let worker: Worker | undefined;
    healthz(app, { redis: connection, archive, outbox, worker: () => worker, inProcess: opts.worker });
    app.use(metaWebhooks(env, archive.db, monitor, log)); // Meta's: a change is an immediate check or poll
    app.use('/archive', viewerRouter({ archive, roles, env, log })); // the web viewer (docs/viewer.md)
    const ctx = { bot, app, archive, redis: connection, log, env };
    const shell = registerAdapters(ctx, outbox, opts);

    // Stopped in reverse order: the HTTP server (no new webhooks), the worker (running captures
    // finish and are still answered), the notifier, the adapters, then the queue, Redis, the archive.
    stops.push(async () => {
      for (const adapter of adapters.values()) await adapter.stop().catch(() => {});
    });
    const eventsConnection = redisConnection(redisUrl, log);
    const notifier = new CaptureNotifier({ connection: eventsConnection, queue, captures, outbox, log });
    await notifier.start();
    stops.push(async () => {
      await notifier.stop();
      eventsConnection.disconnect();
    });

    // The monitor: alerts go out from here (where the adapters are); watching, polling and
    // re-checking run where the workers run.
    await monitor.startDelivery();
    stops.push(() => monitor.stop());
    if (opts.worker) worker = await startWorkers(redisUrl, pipeline, monitor, stops, log, 2);

    for (const [name, adapter] of adapters) {
      await adapter.start();
      log.info({ adapter: name }, 'adapter started');
    }
    // Requests recorded but lost from Redis or finished while nobody listened: now and every few seconds.
    notifier.startSweeper();
    stops.push(community.start(archive)); // approved answers not yet delivered, and the monthly digest
    log.info(
      { host, port: actualPort, adapters: [...adapters.keys()], worker: opts.worker },
      'archiefbot is serving',
    );
    return {
      port: actualPort,
      redisUrl,
      adapters,
      outbox,
      bot,
      monitor,
      shellDone: shell?.done ?? null,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
