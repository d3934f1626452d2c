/**
 * Presenters of what the monitor tells the asker when a watch job is over: plain functions from the
 * monitor's data to a Reply in the asker's language.
 */
import { t } from '../domain/i18n.ts';
import type { WatchNotice } from '../monitor/service.ts';
import { type ErrorData, errorText } from './presenters.ts';
import { type Lang, type Reply, textReply } from './reply.ts';

/**
 * A job's failure as the user reads it: the error itself when it was tried once, else the error
 * followed by how often it was tried (a passing problem is retried before the job gives up).
 */
export function afterAttempts(error: ErrorData, attempts: number, lang: Lang, url?: string): ErrorData {
  if (attempts <= 1) return error;
  const reason = errorText(error, lang, url);
  return {
    message: `${error.message} (after ${attempts} attempts)`,
    key: 'queue.after-attempts',
    vars: { reason: /[.!?]$/.test(reason) ? reason : `${reason}.`, attempts },
  };
}

export function watchNotice(notice: WatchNotice, lang: Lang): Reply {
  if (notice.kind === 'watched') {
    return textReply(
      t(lang, 'monitor.watched', {
        handle: notice.handle,
        posts: notice.posts,
        newVersions: notice.newVersions,
        seconds: notice.everySeconds,
      }),
    );
  }
  return textReply(
    t(lang, 'monitor.watch-failed', {
      input: notice.input,
      reason: errorText(afterAttempts(notice.error, notice.attempts, lang, notice.input), lang, notice.input),
    }),
    { kind: 'error' },
  );
}
