import type { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { PLATFORMS } from '../../domain/types.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../export/formats.ts';
import { type CliContext, localUser, withArchive } from '../context.ts';

interface ExportCliOptions {
  format?: ExportFormat;
  out?: string;
  json?: boolean;
  query?: string;
  account?: string;
  since?: string;
  until?: string;
  platform?: string;
  redact: boolean;
  verify?: string;
}

/** A progress bar on stderr when it is a terminal (cli-progress loaded when the export runs). */
async function exportBar(format: string) {
  const { SingleBar } = await import('cli-progress');
  let bar: SingleBar | undefined;
  return {
    onProgress: (done: number, total: number) => {
      if (!process.stderr.isTTY) return;
      if (!bar) {
        bar = new SingleBar({
          format: `export ${format} [{bar}] {value}/{total} posts · {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
        });
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

async function checkBag(ctx: CliContext, bag: string, json?: boolean): Promise<void> {
  const { verifyBag } = await import('../../export/bagit.ts');
  const report = await verifyBag(bag);
  ctx.print(json, report, () =>
    report.ok
      ? ctx.say('export.bag-ok', { bag, files: report.files, bytes: report.bytes })
      : [
          ctx.say('export.bag-problems', { bag, n: report.problems.length }),
          ...report.problems.map((p) => `  - ${p}`),
        ].join('\n'),
  );
  if (!report.ok) throw new ctx.Exit(1);
}

/** `archiefbot export <selection> --format <wacz|bagit|woo>`; `archiefbot export --verify <bag>`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      'hand a selection of the archive over: WACZ (replay), BagIt + MDTO (e-depot) or a Woo package',
    )
    .argument('[selection...]', 'a post (archive id, URL) or an account (@handle, profile URL)')
    .addOption(new Option('--format <format>', 'the package').choices([...EXPORT_FORMATS]))
    .option('--out <path>', 'where to write (default: <data dir>/exports/…)')
    .option('--query <words>', 'only posts whose text has these words')
    .option('--account <handle>', 'only posts of this account')
    .option('--since <date>', 'posted on or after this date (2025-03-01 or an ISO time)')
    .option('--until <date>', 'posted on or before this date (a date includes the whole day)')
    .addOption(new Option('--platform <platform>', 'only this platform').choices([...PLATFORMS]))
    .option('--no-redact', 'Woo: leave third parties’ personal data in (admin, internal use only)')
    .option(
      '--verify <bag>',
      'check a BagIt bag (RFC 8493), made by Archiefbot or anyone, instead of exporting',
    )
    .option('--json', 'print {format, file, sha256, posts, versions, media, records} as JSON')
    .addHelpText(
      'after',
      `
Each post comes with its replies, every version, its media and the WARC records that are its evidence.
  wacz   Webrecorder's WACZ 1.1.1: opens in ReplayWeb.page, one page per post; signed with the seal key
         when the archive has one (see docs/export.md).
  bagit  a BagIt 1.0 bag (a directory) with an MDTO 1.0.2 informatieobject per post and a bestand per file
         (WARC, media, PDF rendition, JSON), for an e-depot or the Nationaal Archief.
  woo    a ZIP with one PDF (every version with its word diff, replies, media, hashes), inventaris.csv/.json
         and lakverantwoording.csv; citizens' names, handles and images redacted unless --no-redact.
Examples:
  archiefbot export @rvo@social.example --format wacz
  archiefbot export --query "subsidie" --since 2025-01-01 --format woo --out woo-verzoek-12.zip
  archiefbot export --verify ./archiefbot-bagit-20260101T120000Z`,
    )
    .action(async (words: string[], opts: ExportCliOptions) => {
      if (opts.verify) return checkBag(ctx, opts.verify, opts.json);
      if (!opts.format) {
        ctx.io.err(ctx.say('export.format-required'));
        throw new ctx.Exit(2);
      }
      const [{ parseDate }, { exportSelection, humanBytes }] = await Promise.all([
        import('../../usecases/alerts.ts'),
        import('../../usecases/export.ts'),
      ]);
      if (opts.since) parseDate(opts.since, '--since');
      if (opts.until) parseDate(opts.until, '--until');
      const bar = await exportBar(opts.format);
      const format = opts.format;
      const result = await withArchive(ctx.config(), (archive) =>
        exportSelection(archive, ctx.config(), ctx.env, {
          format,
          ref: words.join(' ').trim() || undefined,
          query: opts.query,
          account: opts.account,
          since: opts.since,
          until: opts.until,
          platform: opts.platform,
          out: opts.out,
          actor: localUser(),
          lang: ctx.lang,
          redact: opts.redact,
          onProgress: bar.onProgress,
        }),
      ).finally(() => bar.stop());
      const { format: f, file, sha256, posts, versions, media, records } = result;
      ctx.print(
        opts.json,
        { format: f, file, sha256, posts, versions, media, records, bytes: result.bytes },
        () => ctx.say('export.done', { ...result, size: humanBytes(result.bytes) }),
      );
    });
}
