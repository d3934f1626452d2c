import { CaptureError, UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import type { Command, CommandSpec } from '../command.ts';
import { captureFailure, captureResult, errorText } from '../presenters.ts';
import { textReply } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'capture',
  words: { en: ['capture', 'archive'], nl: ['archiveer', 'archiveren', 'bewaar'] },
  usage: 'command.capture.usage',
  summary: 'command.capture.summary',
  role: 'archivist',
};

/** `capture <url>`: checks the URL, queues the capture and acknowledges; the result follows in the thread. */
export const capture: Command = {
  spec,
  async run({ args, lang, cmd, by, deps }) {
    const url = args.trim().replace(/^<|>$/g, '').split('|')[0]!.trim();
    if (!url) throw new UsageError('give the link to capture', 'capture.which');
    try {
      deps.checkUrl(url);
    } catch (err) {
      if (err instanceof CaptureError)
        return textReply(errorText(err, lang, url), { kind: 'error', private: true });
      throw err;
    }
    const { jobId, duplicate, finished } = await deps.captures.enqueue({
      url,
      requestedBy: by,
      channel: `${cmd.platform}:${cmd.channel}`,
      replyTo: cmd.replyTo,
      lang,
    });
    if (finished?.outcome) return captureResult(finished.outcome, lang);
    if (finished) return captureFailure(url, finished.failure ?? '', lang, false);
    return textReply(t(lang, duplicate ? 'capture.duplicate' : 'capture.queued', { url, job: jobId }), {
      kind: 'ack',
    });
  },
};
