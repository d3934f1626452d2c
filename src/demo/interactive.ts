/**
 * `archiefbot demo`: the demo platforms and the bot in the terminal chat, the ministry's accounts
 * watched and the chat subscribed to alerts. `demo edit <n>` and `demo delete <n>` make a platform
 * change a post, so the newcomer sees the alert arrive within seconds.
 */
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Lang } from '../domain/types.ts';
import type { DemoPlatforms } from './platforms.ts';

/** What serve() gives back that the demo needs (serve is a composition root above the demo). */
export type DemoServe = (
  config: Config,
  input: NodeJS.ReadableStream,
) => Promise<{ shellDone: Promise<void> | null; stop(): Promise<void> }>;

function intro(p: DemoPlatforms, lang: Lang): string {
  const list = p.data.posts
    .map((x) => `  ${x.n}. [${x.platform}] ${x.text.slice(0, 70)}\n     ${x.url}`)
    .join('\n');
  const nl = lang === 'nl';
  return [
    nl
      ? 'Archiefbot demo: een Mastodon-server en een Bluesky-AppView draaien hier lokaal met de berichten van een ministerie.'
      : 'Archiefbot demo: a Mastodon server and a Bluesky AppView run here locally with a ministry’s posts.',
    nl ? 'De berichten:' : 'The posts:',
    list,
    nl ? 'Probeer:' : 'Try:',
    `  archiveer ${p.post(1).url}`,
    '  zoek paspoort',
    `  geschiedenis ${p.post(2).url}`,
    '  vraag moet ik reacties op ons account archiveren?',
    nl
      ? '  demo edit <n> · demo delete <n> — het platform wijzigt of verwijdert een bericht; de melding volgt binnen seconden'
      : '  demo edit <n> · demo delete <n> — the platform edits or deletes a post; the alert follows within seconds',
    nl ? '  demo list — de berichten opnieuw; Ctrl-D stopt.' : '  demo list — the posts again; Ctrl-D stops.',
  ].join('\n');
}

/** Handles a `demo …` line; returns what to print. */
export function demoCommand(p: DemoPlatforms, line: string): string {
  const [, verb = '', arg = ''] = line.trim().split(/\s+/);
  const n = Number(arg);
  try {
    if (verb === 'list') return p.data.posts.map((x) => `${x.n}. [${x.platform}] ${x.text}`).join('\n');
    if (verb === 'edit' || verb === 'bewerk') {
      const post = p.edit(n);
      return `${post.platform}: bericht ${n} is bewerkt / post ${n} was edited — ${post.url}`;
    }
    if (verb === 'delete' || verb === 'verwijder') {
      const post = p.remove(n);
      return `${post.platform}: bericht ${n} is verwijderd / post ${n} was deleted — ${post.url}`;
    }
  } catch (err) {
    return (err as Error).message;
  }
  return 'demo list · demo edit <n> · demo delete <n>';
}

export async function runDemoInteractive(
  config: Config,
  platforms: DemoPlatforms,
  serve: DemoServe,
  opts: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; lang?: Lang; log?: Logger } = {},
): Promise<void> {
  const output = opts.output ?? process.stdout;
  output.write(`${intro(platforms, opts.lang ?? 'nl')}\n\n`);
  const chat = new PassThrough();
  const running = await serve(config, chat);
  // Set up as if typed: watch both accounts, alerts on in this chat.
  chat.write(`volg ${platforms.data.mastodonAccount}\n`);
  chat.write(`volg ${platforms.data.blueskyAccount}\n`);
  chat.write('meldingen aan\n');
  const rl = createInterface({ input: opts.input ?? process.stdin, terminal: false });
  rl.on('line', (line) => {
    if (/^\s*demo\b/i.test(line)) output.write(`${demoCommand(platforms, line)}\n`);
    else chat.write(`${line}\n`);
  });
  rl.on('close', () => chat.end());
  await (running.shellDone ?? new Promise<void>((resolve) => rl.on('close', resolve)));
  await running.stop();
}
