import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../domain/errors.ts';
import { importExport, importSummary } from '../../usecases/import.ts';
import type { Command, CommandSpec } from '../command.ts';
import { textReply } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'import',
  words: { en: ['import'], nl: ['importeer', 'importeren'] },
  usage: 'command.import.usage',
  summary: 'command.import.summary',
  role: 'admin',
};

const DRY_RUN = new Set(['dry-run', '--dry-run', 'proef', 'proefdraai']);

/**
 * `import <file> [account:<name>] [dry-run]` (`importeer … [proef]`), admins only: a platform's export
 * that an administrator put in the archive's import folder on the server (`<data dir>/import/`). Chat
 * attachments are not taken (not every adapter can fetch them, and an export can be gigabytes); a
 * name outside that folder is refused, so a chat command never reads other files of the server.
 */
export const importCommand: Command = {
  spec,
  async run({ args, lang, by, cmd, deps }) {
    const dir = path.join(deps.archive.dataDir, 'import');
    const words = args.trim().split(/\s+/).filter(Boolean);
    const dryRun = words.some((w) => DRY_RUN.has(w.toLowerCase()));
    const account = words.find((w) => /^account:/i.test(w))?.slice('account:'.length) ?? null;
    const name = words.find((w) => !DRY_RUN.has(w.toLowerCase()) && !/^account:/i.test(w));
    if (!name) throw new UsageError('usage: import <file>', 'import.which', { dir });
    const file = await inside(dir, name);
    const report = await importExport(deps.archive, {
      file,
      account,
      dryRun,
      requestedBy: by,
      channel: `${cmd.platform}:${cmd.channel}`,
    });
    return textReply(importSummary(report, lang).join('\n'));
  },
};

/** The file in the import folder; a name that leads outside it (`..`, an absolute path, a link) is refused. */
async function inside(dir: string, name: string): Promise<string> {
  const wanted = path.resolve(dir, name);
  const real = await realpath(wanted).catch(() => wanted);
  const base = await realpath(dir).catch(() => dir);
  if (!real.startsWith(`${base}${path.sep}`))
    throw new UsageError(`${name} is outside ${dir}`, 'import.outside', { dir });
  return real;
}
