import { readFileSync } from 'node:fs';
import express from 'express';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { slackAdapterFactory } from '../src/bots/registry.ts';
import {
  ARCHIVE_LINK_CALLBACK,
  SLACK_EVENTS_PATH,
  type SlackAdapter,
  slackSettings,
} from '../src/bots/slack.ts';
import {
  escapeMrkdwn,
  renderReply,
  SLACK_LIMITS,
  type SlackBlock,
  unescapeMrkdwn,
} from '../src/bots/slack-blocks.ts';
import type { ChatCommand } from '../src/chat/chat.ts';
import { type Reply, ReplyBuilder } from '../src/chat/reply.ts';
import { ConfigError } from '../src/config.ts';
import { SLACK_USERS, startSlackDriver } from './drivers/slack.ts';
import { blockKitProblems, FakeSlack, type SlackPost } from './fakes/slack.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as the fake received it
type Json = any;

/** The Bot's Dutch help (what `hulp [topic]` answers), to compare a rendered answer with. */
let dutchHelp: (topic?: string) => Promise<Reply> = async () => {
  throw new Error('no harness yet');
};

/** `hulp [topic]` asked of this harness's bot directly, outside any adapter. */
function helpOf(h: Harness): (topic?: string) => Promise<Reply> {
  return (topic = '') =>
    h.running.bot.handle({
      platform: 'shell',
      user: 'test',
      channel: 'help-reference',
      text: `hulp ${topic}`.trim(),
      replyTo: { platform: 'shell', channel: 'help-reference' },
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHA256 = /\b[0-9a-f]{64}\b/;

/** A field's value: from a section's fields, or (a long value) from a `*Name*` line and the line below it. */
function field(post: SlackPost, name: string): string | undefined {
  for (const b of post.blocks) {
    for (const f of b.fields ?? []) {
      const [k, ...v] = String(f.text).split('\n');
      if (k === `*${name}*`) return v.join('\n');
    }
    const lines = String(b.text?.text ?? '').split('\n');
    const i = lines.indexOf(`*${name}*`);
    if (i >= 0 && lines[i + 1] !== undefined) return lines[i + 1]!.replace(/^`(.*)`$/, '$1');
  }
  return undefined;
}

function buttonsOf(blocks: Json[]): Json[] {
  return blocks.filter((b: Json) => b.type === 'actions').flatMap((b: Json) => b.elements);
}

function buttons(post: SlackPost): Json[] {
  return buttonsOf(post.blocks);
}

describe('Slack adapter over HTTP (/slack/events on the shared server)', () => {
  let fake: FakeSlack;
  let h: Harness;
  let endpoint: string;
  const postsIn = (channel: string, thread?: string) =>
    fake.posts.filter((p) => p.channel === channel && (thread === undefined || p.thread_ts === thread));

  beforeAll(async () => {
    fake = await FakeSlack.start();
    h = await startHarness(fake.env());
    endpoint = `http://127.0.0.1:${h.running.port}/slack/events`;
    dutchHelp = helpOf(h);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it('verifies the bot token with auth.test at start, over the Web API protocol', () => {
    expect(h.running.adapters.get('slack')?.platform).toBe('slack');
    const auth = fake.calls.find((c) => c.method === 'auth.test');
    expect(auth).toBeDefined();
    expect(auth!.token).toBe(fake.botToken);
    expect(auth!.contentType).toContain('application/x-www-form-urlencoded');
    expect(auth!.answer.ok).toBe(true);
  });

  it("refuses to start with a token Slack rejects, giving Slack's reason", async () => {
    const adapter = slackAdapterFactory.create({
      bot: h.running.bot,
      app: express(),
      archive: h.running.bot.deps.archive,
      redis: {} as Redis,
      log: pino({ level: 'silent' }),
      env: { ...fake.env(), SLACK_BOT_TOKEN: 'xoxb-revoked' },
    });
    await expect(adapter.start()).rejects.toThrow(ConfigError);
    await expect(adapter.start()).rejects.toThrow(/SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
    const refused = fake.calls.filter((c) => c.token === 'xoxb-revoked');
    expect(refused.map((c) => [c.method, c.answer.error])).toEqual([
      ['auth.test', 'invalid_auth'],
      ['auth.test', 'invalid_auth'],
    ]);
  });

  it('acknowledges a signed /archief at once and answers in the channel with Block Kit', async () => {
    const res = await fake.slashCommand(endpoint, {
      user: SLACK_USERS.viewer,
      channel: 'C_GENERAL',
      text: 'hulp',
    });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    expect(res.body).toBe(''); // the answer comes as a message, not in the ack
    const post = await fake.waitFor(() => postsIn('C_GENERAL')[0], 5000, 'the help answer');
    const expected = renderReply(await dutchHelp());
    expect(post.via).toBe('chat.postMessage');
    expect(post.ephemeral).toBe(false);
    expect(post.thread_ts).toBeUndefined(); // a slash command has no thread; its answer starts one
    expect(post.blocks).toEqual(expected.blocks);
    expect(post.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Archiefbot: wat je mij kunt vragen', emoji: true },
    });
    expect(post.text).toBe(expected.text);
    expect(unescapeMrkdwn(post.text)).toBe((await dutchHelp()).text);
    const call = fake.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C_GENERAL')!;
    expect(call.token).toBe(fake.botToken);
    expect(call.args.unfurl_links).toBe('false');
  });

  it('acknowledges within 3 s even when the answer takes longer', async () => {
    const bot = h.running.bot;
    const original = bot.handle.bind(bot);
    bot.handle = async (cmd: ChatCommand) => {
      await sleep(3300);
      return original(cmd);
    };
    try {
      const res = await fake.slashCommand(endpoint, {
        user: SLACK_USERS.viewer,
        channel: 'C_SLOW',
        text: 'status',
      });
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1000);
      expect(postsIn('C_SLOW')).toHaveLength(0);
      const post = await fake.waitFor(() => postsIn('C_SLOW')[0], 8000, 'the slow answer');
      expect(post.blocks[0].text.text).toBe('Status');
    } finally {
      bot.handle = original;
    }
  });

  it('refuses a forged signature with 401 and runs nothing', async () => {
    const res = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.admin, channel: 'C_FORGED', text: 'status' },
      { secret: 'not-the-signing-secret' },
    );
    expect(res.status).toBe(401);
    await sleep(300);
    expect(postsIn('C_FORGED')).toHaveLength(0);
    const audited = await h.running.bot.deps.archive.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM audit WHERE detail LIKE '%C_FORGED%'",
    );
    expect(audited?.n).toBe(0);
  });

  it('refuses a request signed five minutes ago (replay) and accepts one from four minutes ago', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.viewer, channel: 'C_REPLAY', text: 'hulp' },
      { timestamp: now - 5 * 60 - 1 },
    );
    expect(stale.status).toBe(401);
    await sleep(300);
    expect(postsIn('C_REPLAY')).toHaveLength(0);
    const recent = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.viewer, channel: 'C_REPLAY', text: 'hulp' },
      { timestamp: now - 4 * 60 },
    );
    expect(recent.status).toBe(200);
    await fake.waitFor(() => postsIn('C_REPLAY')[0], 5000, 'the answer to the fresh request');
  });

  it('refuses a request signed more than five minutes in the future, and accepts one four minutes ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.viewer, channel: 'C_FUTURE', text: 'hulp' },
      { timestamp: now + 5 * 60 + 2 },
    );
    expect(ahead.status).toBe(401);
    const farAhead = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.viewer, channel: 'C_FUTURE', text: 'hulp' },
      { timestamp: now + 86_400 },
    );
    expect(farAhead.status).toBe(401);
    await sleep(300);
    expect(postsIn('C_FUTURE')).toHaveLength(0);
    const skewed = await fake.slashCommand(
      endpoint,
      { user: SLACK_USERS.viewer, channel: 'C_FUTURE', text: 'hulp' },
      { timestamp: now + 4 * 60 },
    );
    expect(skewed.status).toBe(200);
    await fake.waitFor(() => postsIn('C_FUTURE')[0], 5000, 'the answer to the request within the window');
  });

  it('acknowledges correctly signed events with wrong field types (200) and ignores them', async () => {
    const envelope = (event: Json) => ({ ...fake.eventEnvelope({}), event });
    const bodies: Json[] = [
      envelope(null),
      envelope('app_mention'),
      envelope([]),
      envelope({ type: 42 }),
      envelope({ type: 'app_mention', user: ['U1'], text: 42, ts: {}, channel: 'C_MALFORMED' }),
      envelope({ type: 'app_mention', user: SLACK_USERS.viewer, text: 'hulp', ts: 7, channel: 42 }),
      envelope({
        type: 'message',
        channel_type: 'im',
        user: 42,
        text: null,
        ts: '1.2',
        channel: 'D_MALFORMED',
      }),
      envelope({ type: 'member_joined_channel', user: { id: 'U' }, channel: ['C_MALFORMED'] }),
      { ...fake.eventEnvelope({}), type: 'event_callback', event: { type: 'app_mention' }, event_id: 42 },
      { ...fake.eventEnvelope({}), authorizations: 'none', team_id: 7 },
      { type: 'event_callback' },
      [],
      null,
      42,
    ];
    for (const body of bodies) {
      const res = await fake.deliver(endpoint, JSON.stringify(body), 'application/json');
      expect(res.status, JSON.stringify(body)).toBe(200);
    }
    const payloads: Json[] = [
      { type: 'message_action', callback_id: ARCHIVE_LINK_CALLBACK, channel: null, user: 42, message: 'x' },
      { type: 'message_action', callback_id: ARCHIVE_LINK_CALLBACK, channel: { id: 42 }, user: { id: [] } },
      { type: 'block_actions', user: 'U1', actions: null },
      { type: 'block_actions', user: { id: 42 }, actions: [{ action_id: 'archiefbot:x', value: 42 }] },
      {
        type: 'block_actions',
        user: { id: 'U1' },
        channel: { id: 'C_MALFORMED' },
        actions: [{ action_id: 7, value: 'status' }],
      },
    ];
    for (const payload of payloads) {
      const res = await fake.interaction(endpoint, payload);
      expect(res.status, JSON.stringify(payload)).toBe(200);
    }
    const forms: Record<string, string>[] = [
      { command: '/archief' },
      { command: '/archief', channel_id: 'C_MALFORMED', text: 'hulp' },
    ];
    for (const form of forms) {
      const res = await fake.deliver(
        endpoint,
        new URLSearchParams(form).toString(),
        'application/x-www-form-urlencoded',
      );
      expect(res.status, JSON.stringify(form)).toBe(200);
    }
    await sleep(500);
    expect(fake.posts.filter((p) => /MALFORMED/.test(p.channel))).toHaveLength(0);
    // The adapter still answers what is well-formed.
    const event = fake.mention({ user: SLACK_USERS.viewer, channel: 'C_AFTER_MALFORMED', text: 'hulp' });
    expect((await fake.event(endpoint, event)).status).toBe(200);
    await fake.waitFor(() => postsIn('C_AFTER_MALFORMED')[0], 5000, 'the answer after the malformed events');
  });

  it('answers the url_verification challenge', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'archief-challenge', type: 'url_verification' });
    const res = await fake.deliver(endpoint, body, 'application/json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: 'archief-challenge' });
  });

  it('answers an app mention in its thread, with the mention stripped', async () => {
    const event = fake.mention({ user: SLACK_USERS.viewer, channel: 'C_MENTION', text: 'hulp capture' });
    const res = await fake.event(endpoint, event);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const post = await fake.waitFor(() => postsIn('C_MENTION', event.ts)[0], 5000, 'the mention answer');
    const expected = renderReply(await dutchHelp('capture'));
    expect(post).toMatchObject({ via: 'chat.postMessage', channel: 'C_MENTION', thread_ts: event.ts });
    expect(post.blocks).toEqual(expected.blocks);
    expect(post.blocks[0].text.text).toBe('archiveer <url> [browser]');
    expect(post.text).toBe(expected.text);
  });

  it('answers a direct message in its thread and ignores edits and bot messages', async () => {
    const dm = fake.directMessage({ user: SLACK_USERS.viewer, channel: 'D_VIEWER', text: 'hulp search' });
    expect((await fake.event(endpoint, dm)).status).toBe(200);
    const post = await fake.waitFor(() => postsIn('D_VIEWER', dm.ts)[0], 5000, 'the DM answer');
    expect(post.blocks).toEqual(renderReply(await dutchHelp('search')).blocks);
    expect(post.blocks.map((b: Json) => b.type)).toEqual(['header', 'section', 'context']);

    const edit = fake.directMessage({
      user: SLACK_USERS.viewer,
      channel: 'D_VIEWER',
      text: 'status',
      subtype: 'message_changed',
    });
    const fromBot = fake.directMessage({
      user: 'U_OTHERBOT',
      channel: 'D_VIEWER',
      text: 'status',
      bot_id: 'B_OTHER',
    });
    expect((await fake.event(endpoint, edit)).status).toBe(200);
    expect((await fake.event(endpoint, fromBot)).status).toBe(200);
    await sleep(500);
    expect(postsIn('D_VIEWER')).toHaveLength(1);
  });

  it('welcomes a channel when the bot itself joins it (member_joined_channel), and no one else', async () => {
    await fake.event(endpoint, fake.memberJoined({ channel: 'C_OTHER_JOIN', user: SLACK_USERS.viewer }));
    const joined = await fake.event(
      endpoint,
      fake.memberJoined({ channel: 'C_WELCOME', inviter: SLACK_USERS.admin }),
    );
    expect(joined.status).toBe(200);
    const post = await fake.waitFor(() => postsIn('C_WELCOME')[0], 5000, 'the welcome');
    expect(post).toMatchObject({ via: 'chat.postMessage', ephemeral: false });
    expect(post.thread_ts).toBeUndefined();
    expect(post.blocks[0].text.text).toBe('Hallo, ik ben Archiefbot');
    const text = unescapeMrkdwn(post.text);
    expect(text).toContain('`archiveer <url>`');
    expect(text).toContain('`zoek <woorden>`');
    expect(text).toContain('`hulp`');
    await sleep(300);
    expect(postsIn('C_OTHER_JOIN')).toHaveLength(0);
    expect(postsIn('C_WELCOME')).toHaveLength(1);
  });

  it('answers an event delivered twice (a Slack retry with the same event_id) once', async () => {
    const event = fake.mention({ user: SLACK_USERS.viewer, channel: 'C_RETRY', text: 'status' });
    const first = await fake.event(endpoint, event);
    const retry = await fake.event(endpoint, event, { eventId: first.eventId, retryNum: 1 });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    await fake.waitFor(() => postsIn('C_RETRY', event.ts)[0], 5000, 'the answer');
    await sleep(500);
    expect(postsIn('C_RETRY', event.ts)).toHaveLength(1);
    // A different event for the same message text is a new question and is answered.
    const again = fake.mention({ user: SLACK_USERS.viewer, channel: 'C_RETRY', text: 'status' });
    await fake.event(endpoint, again);
    await fake.waitFor(() => postsIn('C_RETRY', again.ts)[0], 5000, 'the second answer');
  });

  let captured: SlackPost;

  it('captures from /archief capture <url> and posts the result with its SHA-256 in the thread', async () => {
    const res = await fake.slashCommand(endpoint, {
      user: SLACK_USERS.admin,
      channel: 'C_CAPTURE',
      text: `capture ${h.post.url}`,
    });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const ack = await fake.waitFor(() => postsIn('C_CAPTURE')[0], 5000, 'the capture acknowledgement');
    expect(ack.via).toBe('chat.postMessage');
    expect(ack.thread_ts).toBeUndefined();
    expect(unescapeMrkdwn(ack.text)).toContain(`Archiving ${h.post.url}`);
    captured = await fake.waitFor(
      () => postsIn('C_CAPTURE').find((p) => p.thread_ts === ack.ts),
      20_000,
      'the capture result in the thread of the acknowledgement',
    );
    expect(captured.via).toBe('chat.postMessage');
    expect(captured.blocks[0].type).toBe('header');
    expect(captured.blocks[0].text.text).toMatch(/^Archived: post #\d+, version 1$/);
    expect(field(captured, 'SHA-256')).toMatch(SHA256);
    // Long values (the hash, the WARC file) are not squeezed into a field column: a full-width code line.
    expect(captured.blocks.flatMap((b: Json) => b.fields ?? []).map((f: Json) => f.text)).not.toContainEqual(
      expect.stringMatching(/SHA-256/),
    );
    expect(captured.blocks.some((b: Json) => /\*SHA-256\*\n`[0-9a-f]{64}`/.test(b.text?.text ?? ''))).toBe(
      true,
    );
    expect(unescapeMrkdwn(captured.text)).toContain(`SHA-256: ${field(captured, 'SHA-256')}`);
    const actions = buttons(captured);
    expect(actions.map((b) => b.value)).toEqual([
      expect.stringMatching(/^show \d+$/),
      expect.stringMatching(/^history \d+$/),
      undefined,
    ]);
    expect(new Set(actions.map((b) => b.action_id)).size).toBe(3);
    expect(actions[0].style).toBe('primary');
    // The post's page in the viewer, as a url button (no token: the result is for the whole channel).
    const id = actions[0].value.split(' ')[1];
    expect(actions[2]).toMatchObject({
      type: 'button',
      text: { type: 'plain_text', text: 'Open in browser' },
      url: expect.stringMatching(new RegExp(`/archive/post/${id}$`)),
    });
    expect(unescapeMrkdwn(captured.text)).toContain(`Open in browser: ${actions[2].url}`);
  });

  it('runs a button (block_actions) as its command: show <id>, answered in the thread', async () => {
    const show = buttons(captured).find((b) => b.value.startsWith('show '));
    const res = await fake.interaction(
      endpoint,
      fake.blockActionPayload({ user: SLACK_USERS.viewer, post: captured, button: show }),
    );
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const id = show.value.split(' ')[1];
    const post = await fake.waitFor(
      () =>
        postsIn('C_CAPTURE', captured.thread_ts).find((p) =>
          p.blocks[0]?.text?.text?.startsWith(`Post #${id}`),
        ),
      5000,
      'the show answer',
    );
    expect(post.via).toBe('chat.postMessage');
    expect(post.thread_ts).toBe(captured.thread_ts);
    expect(field(post, 'SHA-256')).toBe(field(captured, 'SHA-256'));
    // Pressed in a channel: the post's page without a token (anyone there could use the asker's login),
    // and where to get a personal link.
    expect(buttons(post).map((b) => b.url ?? b.value)).toEqual([
      `history ${id}`,
      expect.stringMatching(new RegExp(`/archive/post/${id}$`)),
    ]);
    expect(JSON.stringify(post)).not.toContain('token=');
    expect(unescapeMrkdwn(post.text)).toContain('ask me in a direct message');
    const audit = await h.running.bot.deps.archive.db.get<{ actor: string; subject: string }>(
      "SELECT actor, subject FROM audit WHERE action = 'chat.command' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ actor: `slack:${SLACK_USERS.viewer}`, subject: show.value });
  });

  it("acknowledges a press of a link button (Slack's block_actions for a url button) and runs nothing", async () => {
    const link = buttons(captured).find((b) => b.url);
    expect(link.action_id).toMatch(/^link:/);
    const audits = async () =>
      (await h.running.bot.deps.archive.db.get<{ n: number }>(
        "SELECT count(*) AS n FROM audit WHERE action = 'chat.command'",
      ))!.n;
    const before = { posts: fake.posts.length, audits: await audits() };
    const payload = fake.blockActionPayload({ user: SLACK_USERS.viewer, post: captured, button: link });
    // Slack sends what the button is: a url and no value.
    payload.actions[0].url = link.url;
    expect(payload.actions[0].value).toBeUndefined();
    const res = await fake.interaction(endpoint, payload);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    // A command pressed after it, in the same channel, is answered: and is the only thing that was.
    const show = buttons(captured).find((b) => b.value?.startsWith('show '));
    await fake.interaction(
      endpoint,
      fake.blockActionPayload({ user: SLACK_USERS.viewer, post: captured, button: show }),
    );
    await fake.waitFor(() => fake.posts.length > before.posts, 5000, 'the answer to the show button');
    expect(fake.posts.slice(before.posts).map((p) => p.blocks[0]?.text?.text)).toEqual([
      expect.stringMatching(/^Post #\d+/),
    ]);
    expect(await audits()).toBe(before.audits + 1);
  });

  it('puts the personal sign-in link only in the direct message with the bot', async () => {
    const id = (await h.running.bot.deps.archive.db.get<{ id: number }>('SELECT min(id) AS id FROM post'))!
      .id;
    const login = /\/archive\/login\?token=[\w.%-]+$/;
    const linkOf = (p: SlackPost) => buttons(p).find((b) => b.url)?.url as string;
    const answerIn = (channel: string, n: number) =>
      fake.waitFor(() => postsIn(channel)[n], 5000, `answer ${n + 1} in ${channel}`);
    // A slash command in a D channel the bot has never had a message from: it may be a direct message
    // between two people, where the answer reaches both. No token.
    await fake.slashCommand(endpoint, {
      user: SLACK_USERS.viewer,
      channel: 'D_TWO_PEOPLE',
      text: `show ${id}`,
    });
    const between = await answerIn('D_TWO_PEOPLE', 0);
    expect(JSON.stringify(between)).not.toContain('token=');
    expect(linkOf(between)).toMatch(new RegExp(`/archive/post/${id}$`));
    // A direct message to the bot (message.im): the asker's sign-in link, and the note that it is theirs.
    const dm = fake.directMessage({ user: SLACK_USERS.viewer, channel: 'D_ASKER', text: `show ${id}` });
    expect((await fake.event(endpoint, dm)).status).toBe(200);
    const inDm = await answerIn('D_ASKER', 0);
    expect(linkOf(inDm)).toMatch(login);
    expect(unescapeMrkdwn(inDm.text)).not.toContain('ask me in a direct message');
    // Now the bot knows D_ASKER as its direct message with this user: a slash command there gets the link,
    // the same command by someone else in that channel does not.
    await fake.slashCommand(endpoint, { user: SLACK_USERS.viewer, channel: 'D_ASKER', text: `show ${id}` });
    expect(linkOf(await answerIn('D_ASKER', 1))).toMatch(login);
    await fake.slashCommand(endpoint, { user: SLACK_USERS.admin, channel: 'D_ASKER', text: `show ${id}` });
    const other = await answerIn('D_ASKER', 2);
    expect(JSON.stringify(other)).not.toContain('token=');
  });

  it('captures the first link of a message through the "Archiveer link" shortcut', async () => {
    const other = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Tweede bericht over de Woo.</p>' });
    const ts = fake.nextTs();
    const payload = fake.messageShortcutPayload({
      user: SLACK_USERS.admin,
      channel: 'C_SHORTCUT',
      message: { ts, text: `Zie <${other.url}|dit bericht> en <https://example.org/niet-deze>` },
    });
    expect(payload.callback_id).toBe(ARCHIVE_LINK_CALLBACK);
    const res = await fake.interaction(endpoint, payload);
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const ack = await fake.waitFor(() => postsIn('C_SHORTCUT', ts)[0], 5000, 'the shortcut acknowledgement');
    expect(unescapeMrkdwn(ack.text)).toContain(`Bezig met archiveren van ${other.url}`);
    const result = await fake.waitFor(
      () => postsIn('C_SHORTCUT', ts).find((p) => field(p, 'SHA-256')),
      20_000,
      'the shortcut capture result',
    );
    expect(result.blocks[0].text.text).toMatch(/^Gearchiveerd: bericht #\d+, versie 1$/);
    expect(field(result, 'SHA-256')).toMatch(SHA256);
    expect(field(result, 'SHA-256')).not.toBe(field(captured, 'SHA-256'));
  });

  it("uses the message's permalink when the shortcut's message holds no link", async () => {
    const ts = fake.nextTs();
    const res = await fake.interaction(
      endpoint,
      fake.messageShortcutPayload({
        user: SLACK_USERS.viewer,
        channel: 'C_SHORTCUT2',
        message: { ts, text: 'Geen link in dit bericht' },
      }),
    );
    expect(res.status).toBe(200);
    const call = await fake.waitFor(() => fake.calls.find((c) => c.method === 'chat.getPermalink'), 5000);
    expect(call.args).toMatchObject({ channel: 'C_SHORTCUT2', message_ts: ts });
    // A viewer may not capture: a private answer in the thread that names the role.
    const refusal = await fake.waitFor(() => postsIn('C_SHORTCUT2', ts)[0], 5000, 'the refusal');
    expect(refusal).toMatchObject({ via: 'chat.postEphemeral', user: SLACK_USERS.viewer, ephemeral: true });
    expect(refusal.text).toContain('archivist');
    const audit = await h.running.bot.deps.archive.db.get<{ subject: string }>(
      "SELECT subject FROM audit WHERE action = 'chat.command' ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.subject).toBe(`archiveer ${call.answer.permalink}`);
  });

  it('builds the permalink from the workspace domain when Slack refuses chat.getPermalink', async () => {
    fake.failures.set('chat.getPermalink', 'channel_not_found');
    try {
      const ts = fake.nextTs();
      await fake.interaction(
        endpoint,
        fake.messageShortcutPayload({
          user: SLACK_USERS.viewer,
          channel: 'C_SHORTCUT3',
          message: { ts, text: 'Nee' },
        }),
      );
      await fake.waitFor(() => postsIn('C_SHORTCUT3', ts)[0], 5000, 'the answer');
      const call = fake.calls.filter((c) => c.method === 'chat.getPermalink').at(-1)!;
      expect(call.answer).toEqual({ ok: false, error: 'channel_not_found' });
      const audit = await h.running.bot.deps.archive.db.get<{ subject: string }>(
        "SELECT subject FROM audit WHERE action = 'chat.command' ORDER BY id DESC LIMIT 1",
      );
      expect(audit?.subject).toBe(
        `archiveer https://archief-test.slack.com/archives/C_SHORTCUT3/p${ts.replace('.', '')}`,
      );
    } finally {
      fake.failures.clear();
    }
  });

  it('refuses a capture by a viewer privately, naming the role archivist', async () => {
    // Slash command: an ephemeral answer through its response_url.
    const res = await fake.slashCommand(endpoint, {
      user: SLACK_USERS.viewer,
      channel: 'C_REFUSE',
      text: `capture ${h.post.url}`,
    });
    expect(res.status).toBe(200);
    const viaUrl = await fake.waitFor(() => postsIn('C_REFUSE')[0], 5000, 'the refusal');
    expect(viaUrl).toMatchObject({
      via: 'response_url',
      response_type: 'ephemeral',
      user: SLACK_USERS.viewer,
    });
    expect(viaUrl.text).toContain('archivist');
    expect(viaUrl.blocks[0].type).toBe('section');
    // Mention: chat.postEphemeral to the asker, in the thread.
    const event = fake.mention({
      user: SLACK_USERS.viewer,
      channel: 'C_REFUSE',
      text: `capture ${h.post.url}`,
    });
    await fake.event(endpoint, event);
    const eph = await fake.waitFor(() => postsIn('C_REFUSE', event.ts)[0], 5000, 'the ephemeral refusal');
    expect(eph).toMatchObject({ via: 'chat.postEphemeral', user: SLACK_USERS.viewer, thread_ts: event.ts });
    expect(eph.text).toMatch(/needs the role archivist/);
    expect(fake.posts.filter((p) => p.channel === 'C_REFUSE' && !p.ephemeral)).toHaveLength(0);
  });

  it('falls back to the response_url where the bot is not a member of the channel', async () => {
    fake.notInChannel.add('C_NOT_MEMBER');
    await fake.slashCommand(endpoint, { user: SLACK_USERS.viewer, channel: 'C_NOT_MEMBER', text: 'hulp' });
    const post = await fake.waitFor(() => postsIn('C_NOT_MEMBER')[0], 5000, 'the fallback answer');
    expect(post).toMatchObject({ via: 'response_url', response_type: 'in_channel', ephemeral: false });
    expect(post.blocks).toEqual(renderReply(await dutchHelp()).blocks);
    const refused = fake.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'C_NOT_MEMBER',
    );
    expect(refused?.answer).toEqual({ ok: false, error: 'not_in_channel' });
  });

  it('drives a conversation through the Slack driver (mentions and DMs)', async () => {
    const d = await startSlackDriver(h, fake);
    const help = await d.say('hulp');
    expect(help).toEqual([(await dutchHelp()).text]);
    const unknown = await d.say('fetch everything');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/I don't know that command|Die opdracht ken ik niet/);
    const third = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Derde bericht &amp; meer.</p>' });
    const capture = await d.say(`capture ${third.url}`, { user: 'admin', until: /SHA-256: [0-9a-f]{64}/ });
    expect(capture[0]).toContain(`Archiving ${third.url}`);
    expect(capture.at(-1)).toMatch(/^Archived: post #\d+/);
    await d.close();
    const dm = await startSlackDriver(h, fake, { via: 'dm' });
    expect(await dm.say('hulp', { user: 'admin' })).toEqual([(await dutchHelp()).text]);
  });

  it('answers 503 once stopped, so Slack retries events instead of losing them', async () => {
    const adapter = h.running.adapters.get('slack') as SlackAdapter;
    await adapter.stop();
    const res = await fake.slashCommand(endpoint, {
      user: SLACK_USERS.viewer,
      channel: 'C_STOPPED',
      text: 'hulp',
    });
    expect(res.status).toBe(503);
    const event = await fake.event(
      endpoint,
      fake.mention({ user: SLACK_USERS.viewer, channel: 'C_STOPPED', text: 'hulp' }),
    );
    expect(event.status).toBe(503);
    await sleep(300);
    expect(postsIn('C_STOPPED')).toHaveLength(0);
    await adapter.stop(); // idempotent
  });
});

describe('Slack adapter in Socket Mode (SLACK_APP_TOKEN)', () => {
  let fake: FakeSlack;
  let h: Harness;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    h = await startHarness(fake.env({ socketMode: true }));
    dutchHelp = helpOf(h);
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it('connects with the app token and runs slash commands and mentions from envelopes', async () => {
    const open = fake.calls.find((c) => c.method === 'apps.connections.open');
    expect(open?.token).toBe(fake.appToken);
    expect(fake.socketClients).toBe(1);

    const command = fake.commandPayload({ user: SLACK_USERS.viewer, channel: 'C_SOCKET', text: 'hulp' });
    const acked = await fake.envelope('slash_commands', command);
    expect(acked.ms).toBeLessThan(3000);
    const post = await fake.waitFor(
      () => fake.posts.find((p) => p.channel === 'C_SOCKET'),
      5000,
      'the answer',
    );
    expect(post.blocks).toEqual(renderReply(await dutchHelp()).blocks);

    const event = fake.mention({ user: SLACK_USERS.viewer, channel: 'C_SOCKET', text: 'status' });
    await fake.envelope('events_api', fake.eventEnvelope(event));
    const answer = await fake.waitFor(
      () => fake.posts.find((p) => p.channel === 'C_SOCKET' && p.thread_ts === event.ts),
      5000,
      'the mention answer',
    );
    expect(answer.blocks[0].text.text).toBe('Status');

    // Over Socket Mode there is no HTTP endpoint to forge requests against.
    const res = await fake.slashCommand(`http://127.0.0.1:${h.running.port}/slack/events`, {
      user: SLACK_USERS.admin,
      channel: 'C_SOCKET',
      text: 'help',
    });
    expect(res.status).toBe(404);
  });
});

describe('Slack settings', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

  it('is configured by its variables and names the one that is missing', () => {
    expect(slackAdapterFactory.configured({})).toBe(false);
    expect(slackAdapterFactory.configured(base)).toBe(true);
    expect(slackAdapterFactory.configured({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(true);
    expect(() => slackSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(ConfigError);
    expect(() => slackSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => slackSettings({ SLACK_SIGNING_SECRET: 'secret' })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() => slackSettings({ ...base, SLACK_BOT_TOKEN: 'xapp-1-x' })).toThrow(/SLACK_APP_TOKEN/);
    expect(() => slackSettings({ ...base, SLACK_APP_TOKEN: 'xoxb-2' })).toThrow(/xapp-/);
    expect(() => slackSettings({ ...base, SLACK_API_URL: 'not a url' })).toThrow(/SLACK_API_URL/);
  });

  it('keeps the Web API base URL ending in a slash', () => {
    expect(slackSettings(base).apiUrl).toBe('https://slack.com/api/');
    expect(slackSettings({ ...base, SLACK_API_URL: 'http://127.0.0.1:9/api' }).apiUrl).toBe(
      'http://127.0.0.1:9/api/',
    );
    expect(slackSettings({ ...base, SLACK_API_URL: 'https://gw.example/slack/api/' }).apiUrl).toBe(
      'https://gw.example/slack/api/',
    );
    expect(slackSettings({ ...base, SLACK_APP_TOKEN: 'xapp-1-a' }).appToken).toBe('xapp-1-a');
  });
});

describe('config/slack-manifest.yaml', () => {
  const manifest = parseYaml(readFileSync(new URL('../config/slack-manifest.yaml', import.meta.url), 'utf8'));

  it("declares what the adapter handles, at the adapter's endpoint", () => {
    const endpoint = `https://YOUR-HOST${SLACK_EVENTS_PATH}`;
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/archief', url: endpoint, should_escape: false }),
    ]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({
        name: 'Archiveer link',
        type: 'message',
        callback_id: ARCHIVE_LINK_CALLBACK,
      }),
    ]);
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: endpoint,
      bot_events: ['app_mention', 'message.im', 'member_joined_channel'],
    });
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: endpoint });
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    // Exactly the scopes the adapter uses: no links:read, im:read or im:write (chat.getPermalink needs none).
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      ['app_mentions:read', 'channels:read', 'chat:write', 'commands', 'groups:read', 'im:history'].sort(),
    );
  });

  it("stays within Slack's manifest limits", () => {
    const d = manifest.display_information;
    expect(d.name.length).toBeLessThanOrEqual(35);
    expect(d.description.length).toBeLessThanOrEqual(140);
    expect(d.long_description.length).toBeGreaterThanOrEqual(175);
    expect(d.long_description.length).toBeLessThanOrEqual(4000);
    expect(d.background_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    for (const s of manifest.features.shortcuts) expect(s.description.length).toBeLessThanOrEqual(150);
    for (const c of manifest.features.slash_commands) expect(c.command.length).toBeLessThanOrEqual(32);
  });
});

describe('Block Kit renderer', () => {
  const valid = (blocks: SlackBlock[]) => expect(blockKitProblems(blocks)).toEqual([]);

  it('renders each neutral block as its Block Kit block', () => {
    const reply = new ReplyBuilder()
      .header('Post #1 `x`')
      .section('> quoted <b> & co', [['Author', '@minbzk']])
      .divider()
      .context('https://example.org/a?b=1&c=2')
      .buttons([
        { label: 'Show', command: 'show 1', style: 'primary' },
        { label: 'Delete?', command: 'history 1', style: 'danger' },
      ])
      .build();
    const m = renderReply(reply);
    valid(m.blocks);
    expect(m.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Post #1 x', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '> quoted &lt;b&gt; &amp; co' },
        fields: [{ type: 'mrkdwn', text: '*Author*\n@minbzk' }],
      },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'https://example.org/a?b=1&amp;c=2' }] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Show', emoji: true },
            value: 'show 1',
            action_id: 'archief:0',
            style: 'primary',
          },
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Delete?', emoji: true },
            value: 'history 1',
            action_id: 'archief:1',
            style: 'danger',
          },
        ],
      },
    ]);
    expect(m.text).toBe(escapeMrkdwn(reply.text));
    expect(unescapeMrkdwn(m.text)).toBe(reply.text);
  });

  it('renders a link button as a url button beside the command buttons, and keeps its address in the text', () => {
    const url = 'https://archief.example.org/archive/login?token=abc.def';
    const reply = new ReplyBuilder()
      .context('note')
      .buttons([{ label: 'History', command: 'history 1' }], [{ label: 'Open in browser', url }])
      .build();
    const m = renderReply(reply);
    valid(m.blocks);
    expect(m.blocks[1]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'History', emoji: true },
          value: 'history 1',
          action_id: 'archief:0',
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in browser', emoji: true },
          url,
          action_id: 'link:1',
        },
      ],
    });
    expect(unescapeMrkdwn(m.text)).toBe(`note\nOpen in browser: ${url}`);
    // A link alone makes an actions block of its own.
    const alone = renderReply(new ReplyBuilder().buttons([], [{ label: 'Open', url }]).build());
    valid(alone.blocks);
    expect(alone.blocks).toEqual([
      { type: 'actions', elements: [expect.objectContaining({ url, action_id: 'link:0' })] },
    ]);
  });

  it('leaves out a link longer than Slack takes (3,000 characters) and says so; the text keeps it', () => {
    const long = `https://archief.example.org/${'a'.repeat(3000)}`;
    const m = renderReply(
      new ReplyBuilder()
        .buttons([{ label: 'ok', command: 'show 1' }], [{ label: 'Open', url: long }])
        .build(),
    );
    valid(m.blocks);
    expect(buttonsOf(m.blocks).map((b) => b.action_id)).toEqual(['archief:0']);
    expect(m.text).toMatch(/1 (button left out|knop weggelaten)/);
    expect(m.text).toContain(long);
  });

  it('checks buttons as Slack does: a url button needs no action_id, but a button needs one or a url', () => {
    const text = { type: 'plain_text', text: 'Open' };
    const actions = (el: Json) => [{ type: 'actions', elements: [el] }];
    expect(blockKitProblems(actions({ type: 'button', text, url: 'https://example.org/' }))).toEqual([]);
    expect(blockKitProblems(actions({ type: 'button', text }))).toEqual([
      '[0] actions: needs action_id or url',
    ]);
    expect(
      blockKitProblems(actions({ type: 'button', text, url: `https://e.org/${'a'.repeat(3000)}` })),
    ).toEqual(['[0] actions: url must be 1-3000 chars']);
  });

  it('splits long sections and many fields, and cuts long headers within the limits', () => {
    const long = Array.from({ length: 400 }, (_, i) => `regel ${i} met wat tekst`).join('\n'); // ≈ 9,500 chars
    const fields: [string, string][] = Array.from({ length: 23 }, (_, i) => [`k${i}`, `v${i}`]);
    const m = renderReply(new ReplyBuilder().header('H'.repeat(400)).section(long, fields).build());
    valid(m.blocks);
    const header = m.blocks[0] as Json;
    expect(header.text.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
    const sections = m.blocks.filter((b) => b.type === 'section') as Json[];
    const texts = sections.filter((s) => s.text).map((s) => s.text.text);
    expect(texts.length).toBeGreaterThanOrEqual(4);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(texts.join('\n')).toBe(long); // nothing lost at the cuts
    expect(sections.map((s) => s.fields?.length ?? 0).filter(Boolean)).toEqual([10, 10, 3]);
  });

  it('stays within 50 blocks and says so in the message and its text', () => {
    const b = new ReplyBuilder();
    for (let i = 0; i < 60; i++) b.section(`Result ${i}: the minister posted about nitrogen`);
    const reply = b.build();
    const m = renderReply(reply);
    valid(m.blocks);
    expect(m.blocks).toHaveLength(SLACK_LIMITS.blocks);
    const note = m.blocks.at(-1) as Json;
    expect(note.type).toBe('context');
    expect(note.elements[0].text).toMatch(/shortened: 11 parts not shown \(Slack shows at most 50\)/);
    expect(m.text).toContain('11 parts not shown');
    // In Dutch when the answer is Dutch, with the right plural.
    const nl = new ReplyBuilder();
    for (let i = 0; i < 51; i++) nl.section(`Resultaat ${i}: het is een bericht van de minister`);
    const note1 = renderReply(nl.build()).blocks.at(-1) as Json;
    expect(note1.elements[0].text).toMatch(
      /ingekort: 2 onderdelen niet getoond \(Slack toont er hoogstens 50\)/,
    );
    expect(unescapeMrkdwn(m.text).startsWith(reply.text)).toBe(true);
    // Exactly 50 fits as it is.
    const fifty = new ReplyBuilder();
    for (let i = 0; i < 50; i++) fifty.section(`r${i}`);
    expect(renderReply(fifty.build()).blocks).toHaveLength(50);
  });

  it('shows long values whole on a full-width line as code, short ones as fields', () => {
    const hash = 'ab'.repeat(32);
    const warc = 'archiefbot-20240501T101500Z-00001.warc.gz @ 123456';
    const reply = new ReplyBuilder()
      .section('Archived', [
        ['Version', '1'],
        ['SHA-256', hash],
        ['WARC', warc],
      ])
      .build();
    const m = renderReply(reply);
    valid(m.blocks);
    expect(m.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Archived' },
      fields: [{ type: 'mrkdwn', text: '*Version*\n1' }],
    });
    expect(m.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: `*SHA-256*\n\`${hash}\`\n*WARC*\n\`${warc}\`` },
    });
    expect(unescapeMrkdwn(m.text)).toContain(`SHA-256: ${hash}`);
  });

  it('never cuts an entity or a command: long values split at entities, overlong commands are left out and announced', () => {
    const reply: Reply = {
      text: 'x',
      blocks: [
        { type: 'section', text: '', fields: [['Text', '&'.repeat(1000)]] },
        {
          type: 'actions',
          buttons: [
            { label: 'ok', command: 'show 1' },
            { label: 'too long', command: `search ${'a'.repeat(2100)}` },
          ],
        },
      ],
    };
    const m = renderReply(reply);
    valid(m.blocks);
    // A long value is shown whole, split over sections at the limit, never inside an entity.
    const parts = m.blocks.filter((b) => b.type === 'section').map((b: Json) => b.text.text as string);
    expect(parts.length).toBe(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(parts.join('')).toBe(`*Text*\n\`${'&amp;'.repeat(1000)}\``);
    expect((m.blocks.at(-2) as Json).elements).toHaveLength(1);
    expect(m.text).toMatch(/1 (button left out|knop weggelaten)/);
  });
});
