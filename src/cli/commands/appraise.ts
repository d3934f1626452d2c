import { type Command, Option } from 'commander';
import { type CliContext, localUser, positiveInt, withArchive } from '../context.ts';

interface AppraiseOptions {
  valuation: 'B' | 'V';
  term?: number;
  category?: string;
  reason?: string;
  account?: boolean;
  json?: boolean;
}

/** `archiefbot appraise <post|account> --valuation B|V [--term <years>]`: an archivist's appraisal. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('appraise')
    .description(
      "set a post's or an account's appraisal (B keep, V destroy after the term); it wins over the knowledge base's",
    )
    .argument('<ref>', 'a post (archive id, URL) or an account (@handle, profile URL)')
    .addOption(
      new Option('--valuation <B|V>', 'B: keep permanently; V: destroy after the term')
        .choices(['B', 'V'])
        .makeOptionMandatory(),
    )
    .option('--term <years>', 'the retention term in years (V)', positiveInt(ctx.lang))
    .option('--category <text>', 'the selectielijst category')
    .option('--reason <text>', 'why')
    .option('--account', 'the ref is an account, even where it also names a post')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: AppraiseOptions) => {
      const { appraise } = await import('../../usecases/retention.ts');
      const r = await withArchive(ctx.config(), (a) =>
        appraise(a, {
          ref,
          account: opts.account,
          valuation: opts.valuation,
          termYears: opts.term ?? null,
          category: opts.category ?? null,
          reason: opts.reason ?? null,
          actor: localUser(),
        }),
      );
      ctx.print(opts.json, r, () =>
        ctx.say('retention.appraised', {
          valuation: opts.valuation,
          term: opts.valuation === 'V' ? `${opts.term}` : '-',
          scope: r.scope,
          targets: r.targets.join(', '),
        }),
      );
    });
}
