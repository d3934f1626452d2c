import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatPlatform } from '../chat/chat.ts';
import type { Archive } from '../store/archive.ts';
import { mattermostAdapterFactory } from './mattermost.ts';
import { slackAdapterFactory } from './slack.ts';
import { teamsAdapterFactory } from './teams.ts';

/** What an adapter gets from `serve`: the core, the shared HTTP app (one port for all webhooks), storage. */
export interface AdapterContext {
  bot: Bot;
  app: Express;
  archive: Archive;
  redis: Redis;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

export interface AdapterFactory {
  platform: ChatPlatform;
  /** True when the environment holds this platform's settings (serve starts only those). */
  configured(env: NodeJS.ProcessEnv): boolean;
  /** Builds the adapter; throws a ConfigError naming the bad or missing variable. */
  create(ctx: AdapterContext): ChatAdapter;
}

/** The webhook and socket adapters serve can start; the shell is started by serve itself. */
export const ADAPTER_FACTORIES: AdapterFactory[] = [
  slackAdapterFactory,
  teamsAdapterFactory,
  mattermostAdapterFactory,
];
