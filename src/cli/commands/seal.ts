import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import { describeError } from '../../domain/i18n.ts';
import type { SealMade, SealReport } from '../../export/seal.ts';
import { type CliContext, withArchive } from '../context.ts';

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read it`, 'seal.public-key-unreadable', {
      file,
      reason: (err as Error).message,
    });
  }
}

function madeText(ctx: CliContext, m: SealMade): string {
  const s = m.seal;
  return [
    ctx.say('seal.made', { id: s.auditId, hash: s.auditHash, at: s.at, fingerprint: m.fingerprint }),
    ...(s.tsa ? [ctx.say('seal.time-stamped', { url: s.tsa.url, time: s.tsa.time })] : []),
    ctx.say('seal.public-key', { file: m.publicKeyFile }),
    m.publicKey.trimEnd(),
  ].join('\n');
}

function reportText(ctx: CliContext, r: SealReport): string {
  if (!r.ok)
    return [
      ctx.say('seal.verify-problems', { n: r.problems.length }),
      ...r.problems.map((p) => `  ✗ ${p}`),
    ].join('\n');
  if (!r.newest) return ctx.say('seal.verify-none');
  return ctx.say('seal.verify-ok', {
    n: r.seals,
    id: r.newest.auditId,
    at: r.newest.at,
    fingerprint: r.key?.fingerprint ?? '',
  });
}

async function seal(ctx: CliContext, json: boolean | undefined): Promise<void> {
  const config = ctx.config();
  const { makeSeal, SealError } = await import('../../export/seal.ts');
  await withArchive(config, async (archive) => {
    const made = await makeSeal(archive, {
      env: ctx.env,
      timeoutMs: config.http.timeoutMs,
      userAgent: config.http.userAgent,
    }).catch((err: unknown) => {
      if (err instanceof SealError)
        ctx.fail(json, { code: err.code, message: err.message }, describeError(err, ctx.lang));
      throw err;
    });
    if (made.keyGenerated)
      ctx.io.err(ctx.say('seal.key-generated', { file: made.keyFile, publicKeyFile: made.publicKeyFile }));
    ctx.print(json, made, () => madeText(ctx, made));
  });
}

/**
 * `archiefbot seal`: signs the audit head now with the seal key (time-stamped when ARCHIEFBOT_TSA_URL
 * is set) and prints the public key; `--verify` checks the seals with a public key alone.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('seal')
    .description(
      'sign the newest audit entry with the seal key kept outside the archive (and time-stamp it), or check the seals',
    )
    .option('--verify', 'check the seal log and that the archive still holds what was sealed')
    .option(
      '--public-key <file>',
      'with --verify: the public key to check with (default: seal-public-key.pem)',
    )
    .option('--json', 'print one JSON document instead of text')
    .addHelpText(
      'after',
      `
The seal key is ARCHIEFBOT_SEAL_KEY (a PEM Ed25519 private key outside the data directory), by default
~/.config/archiefbot/seal-key.pem, made on first use. ARCHIEFBOT_TSA_URL names an RFC 3161
time-stamping authority. Seals go to seals.jsonl, the public key to seal-public-key.pem, both in the
data directory. With --verify: exit 0 when the seals hold, 1 naming every problem.`,
    )
    .action(async (opts: { verify?: boolean; publicKey?: string; json?: boolean }) => {
      if (!opts.verify) return seal(ctx, opts.json);
      const publicKey = opts.publicKey === undefined ? undefined : readKeyFile(opts.publicKey);
      const { verifySeals } = await import('../../export/seal.ts');
      await withArchive(ctx.config(), async (archive) => {
        const report = await verifySeals(archive, { publicKey });
        ctx.print(opts.json, report, () => reportText(ctx, report));
        if (!report.ok) throw new ctx.Exit(1);
      });
    });
}
