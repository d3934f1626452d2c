/**
 * `archiefbot viewer`: the web viewer alone, on its own port (no chat adapters, no worker, no Redis),
 * reading the archive in the data directory. `serve` mounts the same router under /archive.
 */
import { createServer } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { Roles } from '../chat/roles.ts';
import type { Config } from '../config.ts';
import { UsageError } from '../domain/errors.ts';
import { Archive } from '../store/archive.ts';
import { viewerRouter } from './app.ts';
import type { OidcLogin } from './oidc.ts';

export interface RunningViewer {
  port: number;
  /** The viewer's address on this machine (http://host:port/archive). */
  url: string;
  archive: Archive;
  stop(): Promise<void>;
}

export async function startViewer(
  config: Config,
  opts: { env: NodeJS.ProcessEnv; port?: number; host?: string; log?: Logger; oidc?: OidcLogin | null },
): Promise<RunningViewer> {
  const roles = Roles.load(opts.env);
  const archive = await Archive.open(config.dataDir, config.warc);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use('/archive', viewerRouter({ archive, roles, env: opts.env, log: opts.log, oidc: opts.oidc }));
  app.get('/', (_req, res) => res.redirect('/archive/'));
  const host = opts.host ?? '127.0.0.1';
  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new UsageError(`port ${opts.port} is already in use`, 'serve.port-taken', {
                port: opts.port,
                host,
              })
            : err,
        ),
      );
      server.listen(opts.port ?? 0, host, () => resolve());
    });
  } catch (err) {
    await archive.close();
    throw err;
  }
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/archive`,
    archive,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await archive.close();
    },
  };
}
