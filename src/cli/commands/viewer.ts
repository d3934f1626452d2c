import { type Command, InvalidArgumentError } from 'commander';
import type { CliContext } from '../context.ts';

/** `archiefbot viewer`: the web viewer alone (serve also mounts it under /archive). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('viewer')
    .description('run the web viewer alone: the archive in a browser under /archive (serve also has it)')
    .option('--port <n>', 'HTTP port (default ARCHIEFBOT_HTTP_PORT or 3978)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(ctx.say('cli.port'));
      return n;
    })
    .option('--host <host>', 'the address to listen on (default ARCHIEFBOT_HTTP_HOST or 127.0.0.1)')
    .addHelpText(
      'after',
      `
Sign in with a link: "archiefbot login-link --user slack:U012345" prints one (valid 15 minutes), and every
chat answer about a post carries one for the asker. Set ARCHIEFBOT_VIEWER_URL to the address people reach
the viewer at (behind a proxy: https://archief.example.nl/archive), so links point there.
OpenID Connect: ARCHIEFBOT_OIDC_ISSUER, ARCHIEFBOT_OIDC_CLIENT_ID, ARCHIEFBOT_OIDC_CLIENT_SECRET
(+ ARCHIEFBOT_OIDC_ROLES_CLAIM, ARCHIEFBOT_OIDC_ROLE_MAP); see docs/viewer.md.`,
    )
    .action(async (opts: { port?: number; host?: string }) => {
      const { startViewer } = await import('../../viewer/standalone.ts');
      const { createLogger } = await import('../../log.ts');
      const running = await startViewer(ctx.config(), {
        env: ctx.env,
        port: opts.port ?? Number(ctx.env.ARCHIEFBOT_HTTP_PORT ?? 3978),
        host: opts.host ?? ctx.env.ARCHIEFBOT_HTTP_HOST?.trim() ?? '127.0.0.1',
        log: createLogger('info'),
      });
      ctx.io.err(ctx.say('viewer.cli.listening', { url: running.url }));
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      ctx.io.err(ctx.say('cli.stopping'));
      await running.stop();
    });
}
