/**
 * Exports asked for in chat: queued on the export queue, run by its worker in the process that serves
 * the chat, and answered in the thread they were asked in with the package's location, size and
 * SHA-256 (or why it failed), in the language of the request.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { describeError, t } from '../domain/i18n.ts';
import { type ExportJob, ExportQueue, startExportWorker } from '../queue/export-queue.ts';
import type { Archive } from '../store/archive.ts';
import { exportSelection, humanBytes } from '../usecases/export.ts';
import type { Outbox } from './outbox.ts';
import { textReply } from './reply.ts';

/** What the `export` command needs: a way to queue the job. */
export interface ExportService {
  enqueue(job: ExportJob): Promise<{ jobId: string }>;
}

/**
 * Starts the export queue and its worker in this process (exports asked for in chat are answered
 * through the outbox); what stops both goes on `stops` (a running export finishes first).
 */
export function startChatExports(opts: {
  connection: import('ioredis').Redis;
  archive: Archive;
  config: Config;
  env: NodeJS.ProcessEnv;
  outbox: Outbox;
  log?: Logger;
  stops: (() => Promise<unknown>)[];
}): ExportService {
  const queue = new ExportQueue(opts.connection);
  // The worker blocks on its connection: it gets its own.
  const workerConnection = opts.connection.duplicate();
  workerConnection.on('error', () => {}); // reported by the connection it was made from
  const worker = startExportWorker({
    connection: workerConnection,
    log: opts.log,
    run: (job) =>
      exportSelection(opts.archive, opts.config, opts.env, {
        ...job.spec,
        format: job.format,
        redact: job.redact,
        actor: job.requestedBy,
        lang: job.lang,
      }),
    notify: async (job, outcome) => {
      const text = outcome.result
        ? t(job.lang, 'export.done', { ...outcome.result, size: humanBytes(outcome.result.bytes) })
        : t(job.lang, 'export.failed', {
            format: job.format,
            reason: describeError(
              { name: 'Error', ...outcome.failure!, vars: outcome.failure?.vars ?? {} },
              job.lang,
            ),
          });
      await opts.outbox.notify(job.replyTo, textReply(text, { kind: outcome.result ? 'ok' : 'error' }));
    },
  });
  opts.stops.push(async () => {
    await worker.close();
    workerConnection.disconnect();
    await queue.close();
  });
  return { enqueue: async (job) => ({ jobId: await queue.add(job) }) };
}
