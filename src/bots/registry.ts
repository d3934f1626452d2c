import type { AdapterContext, AdapterFactory } from './kit.ts';
import { MattermostAdapter, mattermostConfigured, mattermostSettings } from './mattermost.ts';
import { SlackAdapter, slackConfigured, slackSettings } from './slack.ts';
import { TeamsAdapter, teamsConfigured, teamsSettings } from './teams.ts';

export type { AdapterContext, AdapterFactory };

/**
 * The chat adapters. Each is `new XAdapter(ctx, settings)`, its settings read from the environment
 * with `readSettings` (src/bots/kit.ts); a new platform is one file plus one line here.
 */
export const slackAdapterFactory: AdapterFactory = {
  platform: 'slack',
  configured: slackConfigured,
  create: (ctx) => new SlackAdapter(ctx, slackSettings(ctx.env)),
};

export const teamsAdapterFactory: AdapterFactory = {
  platform: 'teams',
  configured: teamsConfigured,
  create: (ctx) => new TeamsAdapter(ctx, teamsSettings(ctx.env)),
};

export const mattermostAdapterFactory: AdapterFactory = {
  platform: 'mattermost',
  configured: mattermostConfigured,
  create: (ctx) => new MattermostAdapter(ctx, mattermostSettings(ctx.env)),
};

/** The webhook and socket adapters serve starts when their settings are present. */
export const ADAPTER_FACTORIES: AdapterFactory[] = [
  slackAdapterFactory,
  teamsAdapterFactory,
  mattermostAdapterFactory,
];
