/**
 * `archiefbot worker`: a composition root without chat. It runs the capture queue's worker and the
 * monitor (watching, polling, re-checking); alerts and job outcomes are stored, and the `serve`
 * processes (where the chat adapters are) deliver them.
 */
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { CapturePipeline } from './capture/pipeline.ts';
import type { Config } from './config.ts';
import { Monitor } from './monitor/service.ts';
import { redisConnection, startCaptureWorker } from './queue/capture-queue.ts';
import { Archive } from './store/archive.ts';

/**
 * The capture worker and the monitor's (watching, polling, re-checking, streams) in this process, each
 * on its own Redis connection; what stops them is pushed on `stops` (run last to first).
 */
export async function startWorkers(
  redisUrl: string,
  pipeline: CapturePipeline,
  monitor: Monitor,
  stops: (() => Promise<unknown>)[],
  log: Logger,
  concurrency: number,
): Promise<Worker> {
  const workerConnection = redisConnection(redisUrl, log);
  const worker = startCaptureWorker({ connection: workerConnection, pipeline, concurrency, log });
  const monitorConnection = redisConnection(redisUrl, log);
  stops.push(async () => {
    await worker.close(); // waits for running captures
    workerConnection.disconnect();
    monitorConnection.disconnect();
  });
  await monitor.startWorker(monitorConnection);
  const streams = await monitor.startStreams();
  if (streams.length) log.info({ streams }, 'streams started');
  return worker;
}

/** Runs until SIGINT/SIGTERM, then lets running captures finish. */
export async function runWorker(config: Config, opts: { concurrency: number; log: Logger }): Promise<void> {
  const { log } = opts;
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config, log);
  const connection = redisConnection(config.redis.url, log);
  const monitor = new Monitor({ pipeline, config, connection, env: process.env, log });
  const stops: (() => Promise<unknown>)[] = [];
  await startWorkers(config.redis.url, pipeline, monitor, stops, log, opts.concurrency);
  log.info({ concurrency: opts.concurrency }, 'capture and monitor worker started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: letting running captures finish');
  for (const stop of stops.reverse()) await stop();
  await monitor.stop();
  await connection.quit();
  await pipeline.close();
  await archive.close();
}
