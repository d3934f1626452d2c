/**
 * `archiefbot worker`: a composition root without chat. It runs the capture queue's worker and the
 * monitor (watching, polling, re-checking); alerts and job outcomes are stored, and the `serve`
 * processes (where the chat adapters are) deliver them.
 */
import type { Logger } from 'pino';
import { CapturePipeline } from './capture/pipeline.ts';
import type { Config } from './config.ts';
import { Monitor } from './monitor/service.ts';
import { redisConnection, startCaptureWorker } from './queue/capture-queue.ts';
import { Archive } from './store/archive.ts';

/** Runs until SIGINT/SIGTERM, then lets running captures finish. */
export async function runWorker(config: Config, opts: { concurrency: number; log: Logger }): Promise<void> {
  const { log } = opts;
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config, log);
  const connection = redisConnection(config.redis.url, log);
  const worker = startCaptureWorker({ connection, pipeline, concurrency: opts.concurrency, log });
  const monitor = new Monitor({ pipeline, config, connection, env: process.env, log });
  const monitorConnection = redisConnection(config.redis.url, log);
  await monitor.startWorker(monitorConnection);
  await monitor.startStreams();
  log.info({ concurrency: opts.concurrency }, 'capture and monitor worker started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: letting running captures finish');
  await worker.close();
  await monitor.stop();
  monitorConnection.disconnect();
  await connection.quit();
  await pipeline.close();
  await archive.close();
}
