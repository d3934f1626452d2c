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
 * A refusal the worker may still turn into a browser capture: a platform with no connector (the
 * pipeline renders it when Chromium is installed, else the refusal comes back as the answer), or,
 * with `browser` asked for, a link no connector takes. A blocked address or a non-URL never passes.
 */
function leftToTheBrowser(err: CaptureError, url: string, browser: boolean): boolean {
  if (err.code === 'unsupported-platform') return true;
  return browser && err.code === 'unsupported-url' && URL.canParse(url);
}

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
      if (err instanceof CaptureError && !leftToTheBrowser(err, url, Boolean(word)))
        return textReply(errorText(err, lang, url), { kind: 'error', private: true });
      if (!(err instanceof CaptureError)) throw err;
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
