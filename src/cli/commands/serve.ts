import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext } from '../context.ts';

/** `archiefbot serve`: the chat adapters, the HTTP server and (unless --no-worker) the capture worker. */
export function register(program: Command, ctx: CliContext): void {
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
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(ctx.say('cli.port'));
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
      const { serve, boundHeapGrowth, collectAfterStart } = await import('../../serve.ts');
      const bounded = boundHeapGrowth(); // a flat RSS under chat load (see HEAP_GROWING_PERCENT)
      const { ADAPTER_FACTORIES } = await import('../../bots/registry.ts');
      const { createLogger } = await import('../../log.ts');
      const shellLikely =
        opts.shell === 'on' ||
        (opts.shell === 'auto' &&
          process.stdin.isTTY &&
          !ADAPTER_FACTORIES.some((f) => f.configured(ctx.env)));
      const logFile = path.join(ctx.config().dataDir, 'archiefbot.log');
      const log = createLogger('info', shellLikely ? logFile : undefined);
      if (shellLikely) ctx.io.err(ctx.say('cli.logs-to', { file: logFile }));
      const running = await serve(ctx.config(), {
        env: ctx.env,
        log,
        worker: opts.worker,
        shell: opts.shell,
        port: opts.port,
      });
      if (bounded !== null) collectAfterStart();
      if (!running.shellDone)
        ctx.io.err(
          ctx.say('cli.serving', {
            port: running.port,
            adapters: [...running.adapters.keys()].join(', ') || ctx.say('cli.no-adapters'),
          }),
        );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        running.shellDone?.then(resolve);
      });
      ctx.io.err(ctx.say('cli.stopping'));
      await running.stop();
    });
}
