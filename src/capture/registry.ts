import type { ConnectorFactory } from './connector.ts';
import { BlueskyConnector } from './connectors/bluesky.ts';
import { BrowserConnector } from './connectors/browser.ts';
import { FacebookConnector } from './connectors/facebook.ts';
import { InstagramConnector } from './connectors/instagram.ts';
import { LinkedInConnector } from './connectors/linkedin.ts';
import { MastodonConnector } from './connectors/mastodon.ts';
import { ThreadsConnector } from './connectors/threads.ts';
import { UnsupportedPlatforms } from './connectors/unsupported.ts';
import { WebConnector } from './connectors/web.ts';
import { XConnector } from './connectors/x.ts';
import { YouTubeConnector } from './connectors/youtube.ts';

/**
 * The connectors the pipeline asks, in this order; the first whose `match` takes a URL handles it.
 * A new connector is one file in `connectors/` plus one line here: a platform's own connector
 * before `unsupported` (which refuses the platforms that have none yet), the web fallback last. The
 * browser matches no URL (the pipeline chooses it by method); it is listed for its re-checks.
 */
export const CONNECTOR_FACTORIES: ConnectorFactory[] = [
  { name: 'youtube', create: (config, db) => new YouTubeConnector(config, db) },
  { name: 'x', create: (config, db) => new XConnector(config, db) },
  { name: 'threads', create: (config, db) => new ThreadsConnector(config, db) },
  { name: 'linkedin', create: (config) => new LinkedInConnector(config) },
  { name: 'facebook', create: (config, db) => new FacebookConnector(config, db) },
  { name: 'instagram', create: (config, db) => new InstagramConnector(config, db) },
  { name: 'unsupported', create: () => new UnsupportedPlatforms() },
  { name: 'mastodon', create: (config, db) => new MastodonConnector(config, db) },
  { name: 'bluesky', create: (config, db) => new BlueskyConnector(config, db) },
  { name: 'browser', create: (config, db) => new BrowserConnector(config, db) },
  { name: 'web', create: () => new WebConnector() },
];
