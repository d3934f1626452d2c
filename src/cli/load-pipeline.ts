/**
 * The capture pipeline (connectors, HTTP client, HTML parsing), the logger and the backfill's progress
 * bar, loaded when a command runs, not when it is registered: `archiefbot capture --help` and
 * `archiefbot --help` need none of them (start-up time, issue 16).
 */
export async function loadPipeline() {
  const [{ CapturePipeline }, { createLogger }, { progressBar }] = await Promise.all([
    import('../capture/pipeline.ts'),
    import('../log.ts'),
    import('./progress.ts'),
  ]);
  return { CapturePipeline, createLogger, progressBar };
}
