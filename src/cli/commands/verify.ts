import type { Command } from 'commander';
import { connectorRederive } from '../../capture/rederive.ts';
import { verifyArchive } from '../../export/verify.ts';
import { type CliContext, withArchive } from '../context.ts';
import { formatVerify } from '../format.ts';

/** `archiefbot verify`: re-reads every piece of evidence and the audit chain; exit 1 when anything broke. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      're-read every WARC record the archive points at, recompute its SHA-256 digests, and check the audit chain',
    )
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', '\nExit 0 when everything holds; exit 1 naming every broken item.')
    .action(async (opts: { json?: boolean }) => {
      await withArchive(
        ctx.config(),
        async (archive) => {
          const report = await verifyArchive(archive, {
            rederive: connectorRederive(ctx.config()),
            onProgress: (done, total) => {
              if (process.stderr.isTTY) process.stderr.write(`\rverifying ${done}/${total} records…`);
            },
          });
          if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
          ctx.print(opts.json, report, () => formatVerify(report));
          if (!report.ok) {
            if (opts.json) ctx.io.err(ctx.say('cli.verify-problems', { n: report.problems.length }));
            throw new ctx.Exit(1);
          }
        },
        { recover: false },
      );
    });
}
