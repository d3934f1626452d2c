/**
 * The capture pipeline (connectors, HTTP client, HTML parsing) and the logger, loaded when a command
 * runs, not when it is registered: `archiefbot capture --help` and `archiefbot --help` need neither
 * (start-up time, issue 16).
 */
export async function loadPipeline() {
  const [{ CapturePipeline }, { createLogger }] = await Promise.all([
    import('../capture/pipeline.ts'),
    import('../log.ts'),
  ]);
  return { CapturePipeline, createLogger };
}
