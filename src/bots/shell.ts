import { userInfo } from 'node:os';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ReplyTarget } from '../chat/chat.ts';
import { type Reply, toMarkdown } from '../chat/reply.ts';

/**
 * The local shell: a terminal chat on stdin/stdout with the same commands and answers as the chat
 * platforms. It is what a newcomer meets first (`npm start` with nothing configured).
 */
export class ShellAdapter implements ChatAdapter {
  readonly platform = 'shell' as const;
  private rl?: Interface;
  private readonly user: string;
  private pending = Promise.resolve();
  private closed?: () => void;
  /** Resolves when the user ends the session (Ctrl-D or `exit`). */
  readonly done = new Promise<void>((resolve) => {
    this.closed = resolve;
  });

  constructor(
    private readonly bot: Bot,
    private readonly io: { input: Readable; output: Writable; prompt?: boolean } = {
      input: process.stdin,
      output: process.stdout,
    },
  ) {
    let name = 'operator';
    try {
      name = userInfo().username;
    } catch {
      // no passwd entry: keep the default
    }
    this.user = name;
  }

  async start(): Promise<void> {
    const prompt = this.io.prompt ?? true;
    this.rl = createInterface({
      input: this.io.input,
      output: prompt ? this.io.output : undefined,
      terminal: false,
    });
    if (prompt) {
      this.write('Archiefbot — type `help` (or `hulp`) for what you can ask; Ctrl-D to leave.');
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
      this.pending = this.pending.then(async () => {
        if (text) {
          const reply = await this.bot.handle({
            platform: 'shell',
            user: this.user,
            channel: 'shell',
            text,
            replyTo: { platform: 'shell', channel: 'shell' },
          });
          this.write(toMarkdown(reply));
        }
        if (prompt) this.rl?.prompt();
      });
    });
    this.rl.on('close', () => {
      void this.pending.then(() => this.closed?.());
    });
  }

  async send(_target: ReplyTarget, reply: Reply): Promise<void> {
    this.write(toMarkdown(reply));
    if (this.io.prompt ?? true) this.rl?.prompt(true);
  }

  private write(text: string): void {
    this.io.output.write(`${text}\n`);
  }

  async stop(): Promise<void> {
    this.rl?.close();
    await this.pending;
  }
}
