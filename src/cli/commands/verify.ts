import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
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
    .option(
      '--public-key <file>',
      "check the seals with this published public key (default: the archive's own seal-public-key.pem)",
    )
    .addHelpText(
      'after',
      `
Every WARC file is read end to end (every byte must belong to a record the archive knows), every record's
SHA-256 and digests recomputed, every version re-derived from the response it cites, the search index
compared with the texts, every evidence row checked against what the audit chain sealed, and the newest
seal (archiefbot seal) checked with the public key. Exit 0 when everything holds; exit 1 naming every
broken item.`,
    )
    .action(async (opts: { json?: boolean; publicKey?: string }) => {
      const [{ connectorRederive }, { verifySeals }, { verifyArchive }] = await Promise.all([
        import('../../capture/rederive.ts'),
        import('../../export/seal.ts'),
        import('../../export/verify.ts'),
      ]);
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
          // The seals are outside the database: checked with the public key alone (the chain itself
          // was just checked, so not twice).
          const seal = await verifySeals(archive, {
            auditChain: false,
            ...(opts.publicKey ? { publicKey: readFileSync(opts.publicKey, 'utf8') } : {}),
          });
          report.problems.push(...seal.problems);
          report.ok = report.ok && seal.ok;
          const out = {
            ...report,
            seal: {
              ok: seal.ok,
              seals: seal.seals,
              newest: seal.newest,
              unsealed: seal.unsealed,
              key: seal.key,
            },
          };
          ctx.print(opts.json, out, () => {
            const sealed = seal.newest
              ? `Newest seal: audit entry ${seal.newest.auditId}, ${seal.newest.at}${seal.newest.timeStamp ? `, time-stamped ${seal.newest.timeStamp}` : ''}; key ${seal.key?.fingerprint ?? '?'} (${seal.key?.source === 'given' ? 'the key you gave' : "the archive's own copy: compare it with the published one"}); ${seal.unsealed} audit entries since.`
              : 'Not sealed yet (archiefbot seal).';
            return `${formatVerify(report)}\n${sealed}`;
          });
          if (!report.ok) {
            if (opts.json) ctx.io.err(ctx.say('cli.verify-problems', { n: report.problems.length }));
            throw new ctx.Exit(1);
          }
        },
        { recover: false },
      );
    });
}
