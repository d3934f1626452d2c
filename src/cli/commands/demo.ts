import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/**
 * `archiefbot demo`: a Mastodon server and a Bluesky AppView on loopback with a ministry's posts, and
 * the bot in the terminal chat watching them; `--once` runs the whole story unattended.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'see Archiefbot work without any account: demo platforms on this machine, the bot in the terminal chat',
    )
    .option(
      '--once',
      'run the whole story unattended (backfill, capture, an edit, a deletion, alerts, verify)',
    )
    .option('--json', 'with --once: print one JSON document')
    .option(
      '--keep <dir>',
      'keep the demo archive in this folder (default: a temporary folder, removed at the end)',
    )
    .addHelpText(
      'after',
      `
In the chat, try: archiveer <url>, zoek paspoort, geschiedenis <url>, vraag …; and
  demo edit <n> / demo delete <n>   the platform edits or deletes post n: the alert follows within seconds.
--once --json prints {"platforms", "captured", "versions", "alerts": [{"kind", "post"}], "verify": {"ok"}}.
Only the demo's own loopback servers may be reached (http.allowHosts); nothing leaves this machine.`,
    )
    .action(async (opts: { once?: boolean; json?: boolean; keep?: string }) => {
      const { startDemoPlatforms } = await import('../../demo/platforms.ts');
      const { demoConfig } = await import('../../demo/config.ts');
      const platforms = await startDemoPlatforms();
      const config = demoConfig(ctx.config(), platforms, opts.keep && path.resolve(opts.keep));
      try {
        if (opts.once) {
          const { runDemoOnce } = await import('../../demo/once.ts');
          const quiet = (line: string) => (opts.json ? undefined : ctx.io.err(line));
          const summary = await runDemoOnce(config, platforms, { say: quiet });
          ctx.print(
            opts.json,
            summary,
            () =>
              `demo finished: ${summary.captured} posts, ${summary.versions} versions, ${summary.alerts.length} alerts, verify ${summary.verify.ok ? 'ok' : 'FAILED'}`,
          );
          if (!summary.verify.ok || summary.alerts.length < 2) throw new ctx.Exit(1);
          return;
        }
        const { runDemoInteractive } = await import('../../demo/interactive.ts');
        const { serve } = await import('../../serve.ts');
        const { createLogger } = await import('../../log.ts');
        const logFile = path.join(config.dataDir, 'archiefbot.log');
        ctx.io.err(ctx.say('cli.logs-to', { file: logFile }));
        const log = createLogger('info', logFile);
        await runDemoInteractive(
          config,
          platforms,
          (c, input) => serve(c, { env: ctx.env, log, worker: true, shell: 'on', port: 0, stdin: input }),
          // The chat speaks Dutch unless told otherwise; so does the demo's introduction.
          { lang: ctx.env.ARCHIEFBOT_LANGUAGE?.trim().toLowerCase().startsWith('en') ? 'en' : 'nl' },
        );
      } finally {
        await platforms.close();
        if (!opts.keep) rmSync(config.dataDir, { recursive: true, force: true });
      }
    });
}
