import { type Command, Option } from 'commander';
import { PLATFORMS } from '../../domain/types.ts';
import { type CliContext, positiveInt, withArchive } from '../context.ts';
import { formatSearch } from '../format.ts';

interface SearchOptions {
  platform?: string;
  author?: string;
  since?: string;
  until?: string;
  limit: number;
  sort: 'newest' | 'relevance';
  after?: string;
  json?: boolean;
}

/**
 * `archiefbot search <words…>`: full-text search over every version of every archived post, a page at
 * a time (newest archived first, or `--sort relevance`), the next page by its cursor (`--after`).
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description(
      'full-text search over every version of every archived post (diacritics folded: "ministerie" finds "ministérie")',
    )
    .argument('<query...>', 'words that must all occur; "a phrase" in quotes; prefix* ; OR between words')
    .addOption(new Option('--platform <platform>', 'only this platform').choices([...PLATFORMS]))
    .option(
      '--author <handle>',
      'only posts by this account (user@host, handle, or part of the display name)',
    )
    .option('--since <date>', 'posted on or after this date (2025-03-01 or an ISO time)')
    .option('--until <date>', 'posted on or before this date (a date includes the whole day)')
    .option('--limit <n>', 'at most this many hits (a page)', positiveInt(ctx.lang), 20)
    .addOption(
      new Option(
        '--sort <order>',
        'newest: the most recently archived first (fast on any archive); relevance: the best of the newest 1,000 matches first',
      )
        .choices(['newest', 'relevance'])
        .default('newest'),
    )
    .option(
      '--after <cursor>',
      'the page after this cursor (the "next" of the page before, printed at its end)',
    )
    .option('--json', 'print one JSON document instead of text')
    .action(async (words: string[], opts: SearchOptions) => {
      const [{ parseDate }, { searchArchive }] = await Promise.all([
        import('../../usecases/alerts.ts'),
        import('../../usecases/search.ts'),
      ]);
      // Checked here so that the error line names the option as typed (the use case takes the text as is:
      // a date alone in --until includes that whole day).
      if (opts.since) parseDate(opts.since, '--since');
      if (opts.until) parseDate(opts.until, '--until');
      const query = words.join(' ');
      const { platform, author, since, until, limit, sort, after } = opts;
      const result = await withArchive(ctx.config(), (archive) =>
        searchArchive(archive, { query, platform, author, since, until, limit, sort, after }),
      );
      const { hits, next, total } = result;
      ctx.print(opts.json, { query, sort, hits, next, total }, () => {
        const lines = [formatSearch(query, hits)];
        if (total && hits.length)
          lines.push(ctx.say(total.exact ? 'search.total' : 'search.total-more', { n: total.count }));
        if (next) lines.push(ctx.say('search.next', { cursor: next }));
        return lines.join('\n');
      });
    });
}
