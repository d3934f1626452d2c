/**
 * The export queue (BullMQ): an export asked for in chat runs here, off the chat's request, and its
 * outcome (the package's location, size and SHA-256, or why it failed) is handed to `notify`, which
 * answers in the thread it was asked in. A job is kept in Redis until it ran: a process stopped
 * mid-export runs it again when it starts (an export writes under a temporary name, so a half-written
 * package is never mistaken for a finished one).
 */
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ErrorVars } from '../domain/errors.ts';
import { UsageError } from '../domain/errors.ts';
import type { ReplyTarget } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';
import type { ExportFormat, ExportResult } from '../export/package.ts';
import type { SelectionSpec } from '../export/selection.ts';

export const EXPORT_QUEUE = 'export';

export interface ExportJob {
  spec: SelectionSpec;
  format: ExportFormat;
  redact: boolean;
  requestedBy: string;
  channel: string;
  replyTo: ReplyTarget;
  lang: Lang;
}

export interface ExportFailure {
  message: string;
  key?: string;
  vars?: ErrorVars;
}

export class ExportQueue {
  readonly queue: Queue<ExportJob, ExportResult>;

  constructor(connection: Redis, prefix = 'archiefbot') {
    this.queue = new Queue(EXPORT_QUEUE, { connection, prefix });
    this.queue.on('error', () => {});
  }

  async add(job: ExportJob): Promise<string> {
    const added = await this.queue.add('export', job, {
      attempts: 2,
      backoff: { type: 'fixed', delay: 10_000 },
      removeOnComplete: { age: 7 * 86_400, count: 1_000 },
      removeOnFail: { age: 30 * 86_400 },
    });
    return added.id!;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * Runs export jobs one at a time (an export reads the whole selection; two at once would only compete
 * for the disk) and hands each outcome to `notify`: the result, or the failure after the last try.
 */
export function startExportWorker(opts: {
  connection: Redis;
  run: (job: ExportJob) => Promise<ExportResult>;
  notify: (job: ExportJob, outcome: { result?: ExportResult; failure?: ExportFailure }) => Promise<void>;
  prefix?: string;
  log?: Logger;
}): Worker<ExportJob, ExportResult> {
  const worker = new Worker<ExportJob, ExportResult>(
    EXPORT_QUEUE,
    async (job) => {
      try {
        return await opts.run(job.data);
      } catch (err) {
        const e = err as Error & { key?: string; vars?: ErrorVars };
        const failure = { message: e.message, key: e.key, vars: e.vars };
        // A user's mistake (nothing matches, no such post) is answered at once; anything else is tried again.
        const last = err instanceof UsageError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last) await opts.notify(job.data, { failure });
        if (err instanceof UsageError) throw new UnrecoverableError(e.message);
        throw err;
      }
    },
    { connection: opts.connection, prefix: opts.prefix ?? 'archiefbot', concurrency: 1 },
  );
  worker.on('completed', (job, result) => {
    opts.log?.info({ job: job.id, format: result.format, file: result.file }, 'export done');
    void opts.notify(job.data, { result });
  });
  worker.on('error', (err) => opts.log?.error({ err: err.message }, 'export worker error'));
  return worker;
}
