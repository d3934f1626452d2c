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

/** The word after the link that chooses the browser method (`archiveer <url> browser`), in both languages. */
const BROWSER = /^(browser|chromium)$/i;

/**
 * `capture <url> [browser]`: checks the URL, queues the capture and acknowledges; the result follows
 * in the thread. `browser` renders the page in headless Chromium (screenshot, what scripts show).
 */
export const capture: Command = {
  spec,
  async run({ args, lang, cmd, by, deps }) {
    const [link = '', ...rest] = args.trim().split(/\s+/);
    const url = link.replace(/^<|>$/g, '').split('|')[0]!.trim();
    if (!url) throw new UsageError('give the link to capture', 'capture.which');
    const word = rest.join(' ').trim();
    if (word && !BROWSER.test(word))
      throw new UsageError(`unknown capture method "${word}" (only: browser)`, 'capture.method', {
        method: word,
      });
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
      ...(word ? { method: 'browser' as const } : {}),
    });
    if (finished?.outcome) return captureResult(finished.outcome, lang);
    if (finished) return captureFailure(url, finished.failure ?? '', lang, false);
    return textReply(t(lang, duplicate ? 'capture.duplicate' : 'capture.queued', { url, job: jobId }), {
      kind: 'ack',
    });
  },
};
