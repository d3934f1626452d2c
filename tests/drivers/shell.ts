import { PassThrough } from 'node:stream';
import pino from 'pino';
import { ShellAdapter } from '../../src/bots/shell.ts';
import type { ChatAdapter } from '../../src/chat/adapter.ts';
import type { Running } from '../../src/serve.ts';
import type { ChatDriver, Harness } from '../helpers/harness.ts';

/**
 * What the outbox sends to the terminal chat on its own (not the answers to commands): a spy over the
 * shell adapter takes its place in the outbox, passes every message on, and keeps (and tells `seen`)
 * each text. Needs the shell driver started first.
 */
export function outboxToShell(running: Running, seen: (text: string) => void = () => {}): string[] {
  const shell = running.adapters.get('shell')!;
  const sent: string[] = [];
  const spy: ChatAdapter = {
    platform: 'shell',
    start: async () => {},
    stop: async () => {},
    send: async (target, reply) => {
      sent.push(reply.text);
      seen(reply.text);
      await shell.send(target, reply);
    },
  };
  running.outbox.register(spy);
  return sent;
}

/** The terminal chat, driven through its stdin/stdout. The shell user is always the operator (admin). */
export async function startShellDriver(h: Harness): Promise<ChatDriver> {
  const input = new PassThrough();
  const output = new PassThrough();
  let buffer = '';
  output.on('data', (chunk) => {
    buffer += chunk.toString();
  });
  const shell = new ShellAdapter(
    { bot: h.running.bot, log: pino({ level: 'silent' }) },
    { input, output, prompt: false },
  );
  h.running.adapters.set('shell', shell);
  await shell.start();
  const answers = () => buffer.split('\n\u0000').filter(Boolean);
  return {
    async say(text, opts = {}) {
      const before = buffer.length;
      input.write(`${text}\n`);
      const deadline = Date.now() + (opts.until ? 15_000 : 5_000);
      for (;;) {
        const got = buffer.slice(before);
        if (got && (!opts.until || opts.until.test(got))) return [got.trim()];
        if (Date.now() > deadline) throw new Error(`no answer to "${text}" (got: ${got})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      void answers;
      await shell.stop();
    },
  };
}
