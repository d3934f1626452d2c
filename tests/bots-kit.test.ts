import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Inbox, isLongValue, readSettings, requiredMessage, welcomeReply } from '../src/bots/kit.ts';
import { mattermostSettings } from '../src/bots/mattermost.ts';
import { ADAPTER_FACTORIES } from '../src/bots/registry.ts';
import { ShellAdapter } from '../src/bots/shell.ts';
import { slackSettings } from '../src/bots/slack.ts';
import { teamsSettings } from '../src/bots/teams.ts';
import type { Bot } from '../src/chat/bot.ts';
import type { ChatCommand } from '../src/chat/chat.ts';
import { ReplyBuilder, textReply, toMarkdown } from '../src/chat/reply.ts';
import { ConfigError } from '../src/config.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolve function outside. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('Inbox: accepting, order per conversation, drain', () => {
  it('sends the acknowledgement before the result within a conversation, however fast the result is', async () => {
    const inbox = new Inbox(log);
    inbox.start();
    const sent: string[] = [];
    // The command's answer takes a while; the result (a proactive send) is ready at once.
    for (const n of [1, 2, 3]) {
      inbox.accept('C1', async () => {
        await sleep(30 - n * 5);
        sent.push(`ack ${n}`);
      });
      void inbox.run('C1', async () => {
        sent.push(`result ${n}`);
      });
    }
    await inbox.idle();
    expect(sent).toEqual(['ack 1', 'result 1', 'ack 2', 'result 2', 'ack 3', 'result 3']);
  });

  it('runs different conversations in parallel', async () => {
    const inbox = new Inbox(log);
    inbox.start();
    const b = gate();
    const order: string[] = [];
    // A waits for something only B does: serialised across conversations, this would never end.
    const a = inbox.accept('A', async () => {
      await b.opened;
      order.push('A');
    });
    const other = inbox.accept('B', async () => {
      order.push('B');
      b.open();
    });
    await Promise.race([
      Promise.all([a, other]),
      sleep(2_000).then(() => Promise.reject(new Error('stuck'))),
    ]);
    expect(order).toEqual(['B', 'A']);
  });

  it('keeps going after a failed command (logged) and hands a failed send back to its caller', async () => {
    const inbox = new Inbox(log);
    inbox.start();
    const done: string[] = [];
    await inbox.accept('C', async () => {
      throw new Error('boom');
    });
    await expect(
      inbox.run('C', async () => {
        throw new Error('connector refused');
      }),
    ).rejects.toThrow('connector refused');
    await inbox.accept('C', async () => {
      done.push('next');
    });
    expect(done).toEqual(['next']);
  });

  it('takes nothing before start or once stopping, and stop waits for the commands in flight', async () => {
    const inbox = new Inbox(log);
    expect(inbox.accepting).toBe(false);
    expect(inbox.accept('C', async () => {})).toBeNull();
    inbox.start();
    const slow = gate();
    const finished: string[] = [];
    inbox.accept('C', async () => {
      await slow.opened;
      finished.push('command');
    });
    let drained = false;
    const draining = inbox.drain().then(() => {
      drained = true;
    });
    expect(inbox.accepting).toBe(false);
    expect(
      inbox.accept('C', async () => {
        finished.push('too late');
      }),
    ).toBeNull();
    // A proactive send still goes out while draining, after the command.
    const send = inbox.run('C', async () => finished.push('send'));
    await sleep(50);
    expect(drained).toBe(false);
    slow.open();
    await draining;
    await send;
    expect(finished).toEqual(['command', 'send']);
  });
});

describe('readSettings: one way to read a platform from the environment', () => {
  const schema = z.object({
    DEMO_URL: z.string({ error: requiredMessage('where the demo runs') }),
    DEMO_LIMIT: z.coerce.number().int().positive().optional(),
  });

  it('returns the parsed settings, values trimmed and blanks as unset', () => {
    expect(readSettings({ DEMO_URL: ' http://x ', DEMO_LIMIT: ' 3 ', OTHER: 'y' }, schema)).toEqual({
      DEMO_URL: 'http://x',
      DEMO_LIMIT: 3,
    });
    expect(readSettings({ DEMO_URL: 'u', DEMO_LIMIT: '  ' }, schema)).toEqual({ DEMO_URL: 'u' });
  });

  it('throws a ConfigError that starts with the variable at fault', () => {
    expect(() => readSettings({ DEMO_URL: '   ' }, schema)).toThrow(ConfigError);
    expect(() => readSettings({}, schema)).toThrow(/^DEMO_URL is not set: where the demo runs$/);
    expect(() => readSettings({ DEMO_URL: 'u', DEMO_LIMIT: '-1' }, schema)).toThrow(/^DEMO_LIMIT /);
  });

  it('names the variable for every adapter', () => {
    const fails = (read: () => unknown, variable: string) => {
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(new RegExp(`^${variable}\\b`));
    };
    fails(() => slackSettings({ SLACK_SIGNING_SECRET: 's' }), 'SLACK_BOT_TOKEN');
    fails(() => slackSettings({ SLACK_BOT_TOKEN: 'xoxb-1' }), 'SLACK_SIGNING_SECRET');
    fails(
      () => slackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'nope' }),
      'SLACK_API_URL',
    );
    fails(() => teamsSettings({ MICROSOFT_APP_ID: 'app' }), 'MICROSOFT_APP_PASSWORD');
    fails(() => teamsSettings({ NODE_ENV: 'production', MICROSOFT_APP_PASSWORD: 'p' }), 'MICROSOFT_APP_ID');
    fails(() => mattermostSettings({ MATTERMOST_TOKEN: 't' }), 'MATTERMOST_URL');
    fails(() => mattermostSettings({ MATTERMOST_URL: 'https://chat.example.org' }), 'MATTERMOST_TOKEN');
  });

  it('lists every webhook and socket adapter once in the registry', () => {
    expect(ADAPTER_FACTORIES.map((f) => f.platform)).toEqual(['slack', 'teams', 'mattermost']);
  });
});

describe('welcome and long values', () => {
  it('welcomes in Dutch and English with the three commands to start with', () => {
    const nl = welcomeReply('nl').text;
    expect(nl.split('\n')[0]).toBe('Hallo, ik ben Archiefbot');
    for (const c of ['`archiveer <url>`', '`zoek <woorden>`', '`hulp`']) expect(nl).toContain(c);
    const en = welcomeReply('en').text;
    for (const c of ['`capture <url>`', '`search <words>`', '`help`']) expect(en).toContain(c);
  });

  it('calls hashes, WARC names and URLs long, short values not', () => {
    expect(isLongValue('ab'.repeat(32))).toBe(true);
    expect(isLongValue('archiefbot-20240501T101500Z-00001.warc.gz @ 1234')).toBe(true);
    expect(isLongValue('https://social.example/@minbzk/112233445566')).toBe(true);
    expect(isLongValue('live')).toBe(false);
    expect(isLongValue('2024-05-01 10:15 UTC')).toBe(false);
  });
});

describe('the terminal chat', () => {
  /** A shell on pipes, with a Bot stand-in; returns what it printed so far. */
  function shell(handle: (cmd: ChatCommand) => Promise<ReturnType<typeof textReply>>, prompt = false) {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => {
      printed += chunk.toString();
    });
    const bot = { handle, languageFor: async () => 'nl' } as unknown as Bot;
    const adapter = new ShellAdapter({ bot, log }, { input, output, prompt });
    return { adapter, input, printed: () => printed };
  }

  it('shows follow-up buttons with their labels: [label] command', async () => {
    const reply = new ReplyBuilder()
      .section('Moet dit gearchiveerd worden?')
      .buttons([
        { label: 'ja', command: 'vraag #v1 1' },
        { label: 'nee', command: 'vraag #v1 2' },
      ])
      .build();
    expect(toMarkdown(reply)).toBe('Moet dit gearchiveerd worden?\n[ja] vraag #v1 1 · [nee] vraag #v1 2');
    const s = shell(async () => reply);
    await s.adapter.start();
    s.input.write('vraag moet ik dit archiveren?\n');
    await s.adapter.stop(); // waits for the answer in flight
    expect(s.printed()).toContain('[ja] vraag #v1 1 · [nee] vraag #v1 2');
  });

  it('prints a link button as its label and the address, on a line of its own', async () => {
    const url = 'http://127.0.0.1:3978/archive/login?token=abc.def';
    const reply = new ReplyBuilder()
      .section('Bericht #1')
      .buttons(
        [{ label: 'Geschiedenis', command: 'geschiedenis 1' }],
        [{ label: 'Openen in de browser', url }],
      )
      .build();
    expect(reply.text).toBe(`Bericht #1\nOpenen in de browser: ${url}`);
    expect(toMarkdown(reply)).toBe(`Bericht #1\n[Geschiedenis] geschiedenis 1\nOpenen in de browser: ${url}`);
    const s = shell(async () => reply);
    await s.adapter.start();
    s.input.write('toon 1\n');
    await s.adapter.stop();
    expect(s.printed()).toContain(`\nOpenen in de browser: ${url}\n`);
  });

  it("marks the terminal conversation as the operator's alone (the personal sign-in link goes there)", async () => {
    const seen: ChatCommand[] = [];
    const s = shell(async (cmd) => {
      seen.push(cmd);
      return textReply('ok');
    });
    await s.adapter.start();
    s.input.write('toon 1\n');
    await s.adapter.stop();
    expect(seen.map((c) => c.private)).toEqual([true]);
  });

  it('writes a link button as a Markdown link for Mattermost, whatever its label and address hold', () => {
    const reply = new ReplyBuilder()
      .buttons([], [{ label: 'Open [v2]', url: 'https://example.org/a (b)/c' }])
      .build();
    expect(toMarkdown(reply, 'markdown')).toBe('[Open \\[v2\\]](https://example.org/a%20%28b%29/c)');
  });

  it('prints the answer to a command before a result sent meanwhile, and stops after both', async () => {
    const s = shell(async (cmd) => {
      await sleep(50);
      return textReply(`ack: ${cmd.text}`);
    });
    await s.adapter.start();
    s.input.write('archiveer https://example.org/x\n');
    await sleep(10);
    const result = s.adapter.send({ platform: 'shell', channel: 'shell' }, textReply('result'));
    await s.adapter.stop();
    await result;
    expect(s.printed()).toBe('ack: archiveer https://example.org/x\nresult\n');
  });

  it('greets with the welcome when it has a prompt', async () => {
    const s = shell(async () => textReply('x'), true);
    await s.adapter.start();
    await s.adapter.stop();
    expect(s.printed()).toContain('**Hallo, ik ben Archiefbot**');
    expect(s.printed()).toContain('Ctrl-D of `exit` om te stoppen.');
  });
});
