import { userInfo } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand } from '../chat/chat.ts';
import { type Reply, toMarkdown } from '../chat/reply.ts';
import { t } from '../domain/i18n.ts';
import type { ShellTarget } from '../domain/target.ts';
import { type AdapterContext, Inbox, welcomeReply } from './kit.ts';

/** The terminal the shell talks on (default: this process's stdin and stdout, with a prompt). */
export interface ShellSettings {
  input?: Readable;
  output?: Writable;
  /** Show the welcome and the `archiefbot>` prompt (off for tests and piped input). */
  prompt?: boolean;
}

const CONVERSATION = 'shell';
const TARGET: ShellTarget = { platform: 'shell', channel: CONVERSATION };

/**
 * The local shell: a terminal chat on stdin/stdout with the same commands and answers as the chat
 * platforms. It is what a newcomer meets first (`npm start` with nothing configured).
 */
export class ShellAdapter implements ChatAdapter<'shell'> {
  readonly platform = 'shell' as const;
  private rl?: Interface;
  private readonly user: string;
  private readonly bot: Bot;
  private readonly inbox: Inbox;
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly prompt: boolean;
  private closed?: () => void;
  /** Resolves when the user ends the session (Ctrl-D or `exit`). */
  readonly done = new Promise<void>((resolve) => {
    this.closed = resolve;
  });

  constructor(ctx: Pick<AdapterContext, 'bot' | 'log'>, settings: ShellSettings = {}) {
    this.bot = ctx.bot;
    this.inbox = new Inbox(ctx.log.child({ adapter: 'shell' }));
    this.input = settings.input ?? process.stdin;
    this.output = settings.output ?? process.stdout;
    this.prompt = settings.prompt ?? true;
    let name = 'operator';
    try {
      name = userInfo().username;
    } catch {
      // no passwd entry: keep the default
    }
    this.user = name;
  }

  async start(): Promise<void> {
    this.rl = createInterface({
      input: this.input,
      output: this.prompt ? this.output : undefined,
      terminal: false,
    });
    this.inbox.start();
    if (this.prompt) {
      const lang = await this.bot.languageFor(this.command(''));
      this.write(`${toMarkdown(welcomeReply(lang))}\n${t(lang, 'bots.shell.leave')}`);
      this.rl.setPrompt('archiefbot> ');
      this.rl.prompt();
    }
    this.rl.on('line', (line) => {
      const text = line.trim();
      if (text === 'exit' || text === 'quit') {
        this.rl?.close();
        return;
      }
      // One command at a time, in order, as in a conversation.
      this.inbox.accept(CONVERSATION, async () => {
        try {
          if (text) this.write(toMarkdown(await this.bot.handle(this.command(text))));
        } finally {
          if (this.prompt) this.rl?.prompt();
        }
      });
    });
    this.rl.on('close', () => {
      void this.inbox.idle().then(() => this.closed?.());
    });
  }

  async send(_target: ShellTarget, reply: Reply): Promise<void> {
    await this.inbox.run(CONVERSATION, async () => {
      this.write(toMarkdown(reply));
      if (this.prompt) this.rl?.prompt(true);
    });
  }

  async stop(): Promise<void> {
    const drained = this.inbox.drain();
    this.rl?.close();
    await drained;
  }

  private command(text: string): ChatCommand {
    // The terminal is the operator's alone.
    return {
      platform: 'shell',
      user: this.user,
      channel: CONVERSATION,
      text,
      replyTo: TARGET,
      private: true,
    };
  }

  private write(text: string): void {
    this.output.write(`${text}\n`);
  }
}
