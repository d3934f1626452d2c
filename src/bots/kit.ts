/**
 * The adapter kit: what every chat adapter shares, so an adapter only translates its platform.
 * - `AdapterContext` and `AdapterFactory`: one constructor shape, `new XAdapter(ctx, settings)`,
 *   built by a factory listed in registry.ts;
 * - `readSettings(env, schema)`: the platform's environment variables checked with zod, a ConfigError
 *   naming the variable at fault;
 * - `Inbox`: the `accepting` flag, per-conversation order and drain on stop;
 * - `welcomeReply`: what the bot says when it is added to a conversation.
 */
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand } from '../chat/chat.ts';
import { type Reply, ReplyBuilder } from '../chat/reply.ts';
import { ConfigError } from '../config.ts';
import { t } from '../domain/i18n.ts';
import type { ChatPlatform } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';

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

/** Whether any of the variables is set to something other than blanks. */
export function anySet(env: NodeJS.ProcessEnv, ...names: string[]): boolean {
  return names.some((name) => Boolean(env[name]?.trim()));
}

/**
 * Reads a platform's settings: the schema is a zod object keyed by environment variable names
 * (values arrive trimmed; blank counts as unset), usually with a transform into the settings the
 * adapter takes. The first problem becomes a ConfigError that starts with the variable's name, so
 * schemas word their messages to follow it ("is not set: copy …").
 */
export function readSettings<S extends z.ZodType>(env: NodeJS.ProcessEnv, schema: S): z.output<S> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const v = value?.trim();
    if (v) values[name] = v;
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'the environment');
  const message = issue.message.startsWith(variable) ? issue.message : `${variable} ${issue.message}`;
  throw new ConfigError(message);
}

/** A zod error message for a variable that is required: "is not set (…hint)" when absent, else `wrong`. */
export function requiredMessage(hint: string, wrong?: string) {
  return (issue: { input: unknown }) =>
    issue.input === undefined ? `is not set: ${hint}` : (wrong ?? `is not valid: ${hint}`);
}

/** A variable holding an http(s) URL; `example` shows what is meant. */
export function httpUrl(example: string) {
  return z.string().refine(
    (v) => {
      try {
        return ['http:', 'https:'].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: (issue) => `must be an http(s) URL (${example}), not "${String(issue.input)}"` },
  );
}

/**
 * The inbox every adapter takes its commands through:
 * - `accepting`: false before start and once stopping; a webhook then answers 503, a socket event is
 *   dropped, so nothing new starts while the adapter drains;
 * - order per conversation: the work of one conversation (a command, then a proactive send such as
 *   the capture's result) runs one after another, so the acknowledgement always goes out before the
 *   result; different conversations run in parallel;
 * - drain: `drain()` stops accepting and waits for everything in flight.
 */
export class Inbox {
  private open = false;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly log: Logger) {}

  get accepting(): boolean {
    return this.open;
  }

  /** Starts taking commands. */
  start(): void {
    this.open = true;
  }

  /**
   * Takes a command of `conversation`: it runs after the conversation's earlier work. Returns null
   * (and runs nothing) when not accepting; else a promise that settles when the work is done (a
   * failure is logged, never thrown).
   */
  accept(conversation: string, work: () => Promise<void>): Promise<void> | null {
    if (!this.open) return null;
    return this.run(conversation, work).catch((err: unknown) =>
      this.log.error({ err, conversation }, 'could not answer a chat command'),
    );
  }

  /**
   * Runs work in the conversation's order (a proactive send), also while draining; resolves or
   * rejects with the work.
   */
  run<T>(conversation: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(conversation) ?? Promise.resolve();
    const result = previous.then(work);
    const settled = result.then(
      () => {},
      () => {},
    );
    this.chains.set(conversation, settled);
    this.inflight.add(settled);
    void settled.then(() => {
      this.inflight.delete(settled);
      if (this.chains.get(conversation) === settled) this.chains.delete(conversation);
    });
    return result;
  }

  /** Resolves once nothing is in flight (work added meanwhile included). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Stops accepting, then waits for the work in flight. */
  async drain(): Promise<void> {
    this.open = false;
    await this.idle();
  }
}

/** What the bot says when it is added to a conversation: who it is and the three commands to start with. */
export function welcomeReply(lang: Lang): Reply {
  return new ReplyBuilder()
    .header(t(lang, 'bots.welcome.title'))
    .section(`${t(lang, 'bots.welcome.intro')}\n${t(lang, 'bots.welcome.commands')}`)
    .build();
}

/** The welcome in the conversation's language (its `language` setting, else the default: Dutch). */
export async function welcomeFor(
  bot: Pick<Bot, 'languageFor'>,
  cmd: Omit<ChatCommand, 'text'>,
): Promise<Reply> {
  return welcomeReply(await bot.languageFor({ ...cmd, text: '' }));
}

/** Statuses whose answers carry no body (a Response refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * fetch with a time limit on the whole exchange (the answer's body included), released the moment it
 * ends. `AbortSignal.timeout(ms)` instead keeps its signal, its timer and fetch's abort listener alive
 * for the full `ms` after every call (Node holds a timeout signal with a listener until it fires):
 * under chat load, every answer's call then outlives the young generation and fills V8's old space.
 */
export function fetchWithin(ms: number, fetchFn?: typeof fetch): typeof fetch {
  return async (input, init) => {
    const ac = new AbortController();
    const timer = setTimeout(
      () => ac.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')),
      ms,
    );
    const outer = init?.signal;
    const onOuter = () => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onOuter, { once: true });
    try {
      if (outer?.aborted) onOuter();
      const res = await (fetchFn ?? fetch)(input, { ...init, signal: ac.signal });
      const body = NULL_BODY.has(res.status) ? null : await res.arrayBuffer();
      const out = new Response(body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
      return Object.defineProperty(out, 'url', { value: res.url }); // a new Response has none of its own
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    }
  };
}

/**
 * Whether a field value is too long for a narrow column (a SHA-256, a WARC file name, a URL): such
 * values get a full-width, wrapping line of their own, so they can be read (and copied) whole.
 */
export function isLongValue(value: string): boolean {
  return value.length > 40 || /\S{30,}/.test(value);
}
