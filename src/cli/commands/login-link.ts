import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import type { CliContext } from '../context.ts';

interface LoginLinkOptions {
  user: string;
  post?: string;
  channel?: string;
  json?: boolean;
}

/**
 * `archiefbot login-link --user <platform>:<user id> [--post <id>]`: a sign-in link to the web viewer
 * for a chat user, with the roles roles.yaml gives them, valid 15 minutes (the operator hands it over).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('login-link')
    .description('print a sign-in link to the web viewer for a chat user (valid 15 minutes)')
    .requiredOption(
      '--user <platform:id>',
      'the chat user, as roles.yaml names them (slack:U012345, teams:29:…, shell:anna)',
    )
    .option('--post <id>', 'open this archived post after signing in')
    .option('--channel <id>', 'the channel whose roles apply (for roles.yaml entries limited to channels)')
    .option('--json', 'print {"url", "expires"} instead of text')
    .action(async (opts: LoginLinkOptions) => {
      const m = /^(slack|teams|mattermost|shell):(.+)$/.exec(opts.user.trim());
      if (!m)
        throw new UsageError(`--user must be platform:id, not ${opts.user}`, 'viewer.cli.bad-user', {
          user: opts.user,
        });
      const [{ loginLink }, { Roles }] = await Promise.all([
        import('../../chat/present-viewer.ts'),
        import('../../chat/roles.ts'),
      ]);
      const roles = Roles.load(ctx.env);
      if (!roles.allows(roles.rolesOf(m[1]!, m[2]!, opts.channel ?? ''), 'viewer'))
        throw new UsageError(`${opts.user} may not use the viewer`, 'viewer.cli.no-role', {
          user: opts.user,
        });
      const post = opts.post?.replace(/^#/, '');
      if (post !== undefined && !/^\d+$/.test(post))
        throw new UsageError(`--post must be an archive id, not ${opts.post}`, 'post.which');
      const link = loginLink(
        ctx.config().dataDir,
        { sub: opts.user.trim(), channel: opts.channel, post: post === undefined ? undefined : Number(post) },
        ctx.env,
      );
      ctx.print(opts.json, link, () => ctx.say('viewer.cli.link', { user: opts.user, ...link }));
    });
}
