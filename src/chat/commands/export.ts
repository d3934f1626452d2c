import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { PLATFORMS } from '../../domain/types.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../export/package.ts';
import type { SelectionSpec } from '../../export/selection.ts';
import type { Command, CommandSpec } from '../command.ts';
import { textReply } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'export',
  words: { en: ['export'], nl: ['exporteer', 'exporteren'] },
  usage: 'export.usage',
  summary: 'export.summary',
  role: 'archivist',
};

const NO_REDACT = /^(no-redact|--no-redact|ongelakt|zonder-lakken)$/i;
const OPTION = /^(since|sinds|vanaf|until|tot|platform|account):(.+)$/i;

/** What the words of `export …` select: a post or account first, options as `since:`/`sinds:` etc., the rest search words. */
export function parseExport(args: string): { spec: SelectionSpec; format: ExportFormat; noRedact: boolean } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const spec: SelectionSpec = {};
  let format: ExportFormat = 'wacz';
  let noRedact = false;
  const query: string[] = [];
  for (const raw of words) {
    const w = raw.replace(/^<|>$/g, '').split('|')[0]!;
    const option = OPTION.exec(w);
    if ((EXPORT_FORMATS as readonly string[]).includes(w.toLowerCase()))
      format = w.toLowerCase() as ExportFormat;
    else if (NO_REDACT.test(w)) noRedact = true;
    else if (option) {
      const [, name, value] = option as unknown as [string, string, string];
      const key = name.toLowerCase();
      if (key === 'since' || key === 'sinds' || key === 'vanaf') spec.since = value;
      else if (key === 'until' || key === 'tot') spec.until = value;
      else if (key === 'account') spec.account = value;
      else if ((PLATFORMS as readonly string[]).includes(value)) spec.platform = value;
    } else if (!spec.ref && !query.length && /^(https?:\/\/\S+|\d+|@\S+)$/.test(w)) spec.ref = w;
    else query.push(w);
  }
  if (query.length) spec.query = query.join(' ');
  return { spec, format, noRedact };
}

/**
 * `export <post | @account | words> [wacz|bagit|woo] [since:… until:…]` (`exporteer …`), archivists: the
 * export runs in the queue and the answer (file, size, SHA-256) follows in the thread. A Woo export
 * without redaction (`ongelakt`) is for admins only.
 */
export const exportCommand: Command = {
  spec,
  async run({ args, lang, cmd, by, roles, deps }) {
    const { spec: selection, format, noRedact } = parseExport(args);
    if (!Object.keys(selection).length) throw new UsageError('say what to export', 'export.usage');
    if (noRedact && !roles.includes('admin'))
      throw new UsageError('a Woo export without redaction is for admins only', 'export.no-redact-admin');
    if (!deps.exports)
      throw new UsageError('exports run where the queue runs (archiefbot serve)', 'export.no-queue');
    const describe = [
      selection.ref,
      selection.query && `"${selection.query}"`,
      selection.account,
      selection.since,
      selection.until,
    ]
      .filter(Boolean)
      .join(' ');
    await deps.exports.enqueue({
      spec: selection,
      format,
      redact: !noRedact,
      requestedBy: by,
      channel: `${cmd.platform}:${cmd.channel}`,
      replyTo: cmd.replyTo,
      lang,
    });
    return textReply(t(lang, 'export.queued', { format, selection: describe }), { kind: 'ack' });
  },
};
