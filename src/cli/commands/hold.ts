import { type Command, Option } from 'commander';
import { PLATFORMS } from '../../domain/types.ts';
import { type CliContext, localUser, positiveInt, withArchive } from '../context.ts';

/** The retention use cases, loaded when a sub-command runs (start-up time, issue 16). */
const retention = () => import('../../usecases/retention.ts');

interface HoldAddOptions {
  reason: string;
  query?: string;
  account?: string;
  since?: string;
  until?: string;
  platform?: string;
  json?: boolean;
}

/** `archiefbot hold add | list | release`: legal holds that no destruction passes. */
export function register(program: Command, ctx: CliContext): void {
  const hold = program
    .command('hold')
    .description('legal holds (Woo request, litigation, incident): what a hold covers is never destroyed');
  hold
    .command('add')
    .description('put a selection under a hold')
    .argument('[selection...]', 'a post (archive id, URL) or an account (@handle, profile URL)')
    .requiredOption('--reason <text>', 'why: the Woo request, the case, the incident')
    .option('--query <words>', 'posts whose text has these words')
    .option('--account <handle>', 'posts of this account')
    .option('--since <date>', 'posted on or after this date')
    .option('--until <date>', 'posted on or before this date')
    .addOption(new Option('--platform <platform>', 'only this platform').choices([...PLATFORMS]))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nA hold covers the posts its selection names now and any it names later (and their replies), until an admin releases it.',
    )
    .action(async (words: string[], opts: HoldAddOptions) => {
      const { reason, json, ...filters } = opts;
      const { holdAdd } = await retention();
      const result = await withArchive(ctx.config(), (a) =>
        holdAdd(a, { ref: words.join(' ').trim() || undefined, ...filters }, reason, localUser()),
      );
      ctx.print(json, result, () => ctx.say('retention.hold-added', { ...result, n: result.posts }));
    });
  hold
    .command('list')
    .description('the holds in force (with --all: released ones too)')
    .option('--all', 'released holds too')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const { holdList } = await retention();
      const holds = await withArchive(ctx.config(), (a) => holdList(a, opts.all));
      ctx.print(opts.json, { holds }, () =>
        holds.length
          ? holds
              .map((h) =>
                ctx.say('retention.hold-line', {
                  id: h.id,
                  describe: h.describe,
                  reason: h.reason,
                  by: h.createdBy,
                  at: h.createdAt,
                  n: h.posts,
                  released: h.releasedAt ? ` · released ${h.releasedAt} (${h.releasedBy})` : '',
                }),
              )
              .join('\n')
          : ctx.say('retention.no-holds'),
      );
    });
  hold
    .command('release')
    .description('release a hold (admin)')
    .argument('<id>', 'the hold number (hold list)', positiveInt(ctx.lang))
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean }) => {
      const { holdRelease } = await retention();
      await withArchive(ctx.config(), (a) => holdRelease(a, id, localUser()));
      ctx.print(opts.json, { released: id }, () => ctx.say('retention.hold-released', { id }));
    });
}
