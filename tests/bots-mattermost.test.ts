import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  commandFromPost,
  MattermostAdapter,
  mattermostSettings,
  POST_LIMIT,
  sameSecret,
  splitMessage,
} from '../src/bots/mattermost.ts';
import type { AdapterContext } from '../src/bots/registry.ts';
import { ADAPTER_FACTORIES, mattermostAdapterFactory } from '../src/bots/registry.ts';
import type { Bot } from '../src/chat/bot.ts';
import type { ChatCommand } from '../src/chat/chat.ts';
import { ReplyBuilder, textReply, toMarkdown } from '../src/chat/reply.ts';
import { ConfigError } from '../src/config.ts';
import { MATTERMOST_ADMIN_ID, type MattermostDriver, startMattermostDriver } from './drivers/mattermost.ts';
import { FakeMattermost } from './fakes/mattermost.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Mattermost settings and message handling', () => {
  it('is configured by URL and token, and names MATTERMOST_URL when it is bad', () => {
    expect(ADAPTER_FACTORIES).toContain(mattermostAdapterFactory);
    const f = mattermostAdapterFactory;
    expect(f.configured({ MATTERMOST_URL: 'https://chat.example.org', MATTERMOST_TOKEN: 't' })).toBe(true);
    expect(f.configured({ MATTERMOST_URL: 'https://chat.example.org' })).toBe(false);
    expect(f.configured({ MATTERMOST_TOKEN: 't' })).toBe(false);
    expect(f.configured({})).toBe(false);
    const ctx = (env: NodeJS.ProcessEnv) => ({ env }) as unknown as AdapterContext;
    for (const url of ['not a url', 'ftp://chat.example.org', 'https://chat.example.org/?x=1']) {
      expect(() => f.create(ctx({ MATTERMOST_URL: url, MATTERMOST_TOKEN: 't' }))).toThrow(ConfigError);
      expect(() => f.create(ctx({ MATTERMOST_URL: url, MATTERMOST_TOKEN: 't' }))).toThrow(/MATTERMOST_URL/);
    }
    expect(
      mattermostSettings({ MATTERMOST_URL: 'https://chat.example.org/mm/api/v4/', MATTERMOST_TOKEN: 't' }),
    ).toEqual({ url: 'https://chat.example.org/mm', token: 't' });
    expect(
      mattermostSettings({
        MATTERMOST_URL: 'http://127.0.0.1:8065',
        MATTERMOST_TOKEN: ' t ',
        MATTERMOST_COMMAND_TOKEN: 'c',
      }),
    ).toEqual({ url: 'http://127.0.0.1:8065', token: 't', commandToken: 'c' });
  });

  it('takes mentions (stripped) and direct messages; skips its own, system, bot and webhook posts', () => {
    const me = { id: 'botid', username: 'archiefbot' };
    const post = (message: string, extra: Record<string, unknown> = {}) => ({
      id: 'p1',
      user_id: 'u1',
      channel_id: 'c1',
      root_id: '',
      message,
      ...extra,
    });
    const channel = { channel_type: 'O', sender_name: '@anna' };
    expect(commandFromPost(post('@archiefbot help'), channel, me)).toEqual({
      platform: 'mattermost',
      user: 'u1',
      userName: 'anna',
      channel: 'c1',
      text: 'help',
      replyTo: { platform: 'mattermost', channel: 'c1', rootId: 'p1' },
      private: false,
    } satisfies ChatCommand);
    expect(commandFromPost(post('@ArchiefBot: status'), channel, me)?.text).toBe('status');
    expect(commandFromPost(post('toon 12 @archiefbot'), channel, me)?.text).toBe('toon 12');
    expect(commandFromPost(post('@archiefbot help', { root_id: 'root' }), channel, me)?.replyTo).toEqual({
      platform: 'mattermost',
      channel: 'c1',
      rootId: 'root',
    });
    expect(commandFromPost(post('help'), channel, me)).toBeNull();
    expect(commandFromPost(post('@archiefbot2 help'), channel, me)).toBeNull();
    expect(commandFromPost(post('mail archiefbot@example.org'), channel, me)).toBeNull();
    expect(commandFromPost(post('help'), { channel_type: 'D' }, me)?.text).toBe('help');
    // Only a direct channel is the asker's alone (the personal sign-in link goes there only).
    expect(commandFromPost(post('help'), { channel_type: 'D' }, me)?.private).toBe(true);
    expect(commandFromPost(post('@archiefbot help'), { channel_type: 'P' }, me)?.private).toBe(false);
    expect(commandFromPost(post('@archiefbot help'), { channel_type: 'G' }, me)?.private).toBe(false);
    expect(commandFromPost(post('@archiefbot help', { user_id: 'botid' }), channel, me)).toBeNull();
    expect(commandFromPost(post('help', { user_id: 'botid' }), { channel_type: 'D' }, me)).toBeNull();
    expect(
      commandFromPost(post('@archiefbot joined', { type: 'system_join_channel' }), channel, me),
    ).toBeNull();
    expect(
      commandFromPost(post('@archiefbot help', { props: { from_webhook: 'true' } }), channel, me),
    ).toBeNull();
    expect(
      commandFromPost(post('@archiefbot help', { props: { from_bot: 'true' } }), channel, me),
    ).toBeNull();
  });

  it('splits long messages at line ends without losing text, and compares secrets', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, 'x'));
    const parts = splitMessage(lines.join('\n'), 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(1000);
    expect(parts.join('\n')).toBe(lines.join('\n'));
    expect(splitMessage('y'.repeat(2500), 1000).join('')).toBe('y'.repeat(2500));
    expect(splitMessage('short')).toEqual(['short']);
    expect(sameSecret('cmd-token', 'cmd-token')).toBe(true);
    expect(sameSecret('cmd-token', 'cmd-tokem')).toBe(false);
    expect(sameSecret('', 'cmd-token')).toBe(false);
  });
});

describe('the Mattermost adapter on its own', () => {
  let fake: FakeMattermost;
  let adapter: MattermostAdapter | undefined;
  const echo = {
    bot: {
      handle: async (cmd: ChatCommand) => textReply(`echo: ${cmd.text}`),
      languageFor: async () => 'nl',
    } as unknown as Bot,
    log: pino({ level: 'silent' }),
  };
  beforeAll(async () => {
    fake = await FakeMattermost.start();
  });
  afterEach(async () => {
    await adapter?.stop();
    adapter = undefined;
  });
  afterAll(() => fake.close());

  it('refuses a bad token at start with a ConfigError naming MATTERMOST_TOKEN', async () => {
    adapter = new MattermostAdapter(echo, { url: fake.url, token: 'wrong' });
    await expect(adapter.start()).rejects.toThrow(ConfigError);
    await expect(adapter.start()).rejects.toThrow(/MATTERMOST_TOKEN was refused .*HTTP 401/);
    expect(fake.openConnections).toBe(0);
  });

  it('stops cleanly: the socket closes and a pending reconnect never happens', async () => {
    adapter = new MattermostAdapter(echo, {
      url: fake.url,
      token: 'bot-token',
      reconnect: { minMs: 100, jitterMs: 0 },
    });
    const before = fake.authenticatedConnections;
    await adapter.start();
    expect(adapter.account).toEqual({ id: fake.bot.id, username: 'archiefbot' });
    expect(fake.authenticatedConnections).toBe(before + 1);
    // Lost connection: the client reconnects by itself after the retry delay.
    fake.dropConnections();
    await fake.waitForConnection({ nth: before + 2, timeoutMs: 5_000 });
    // Lost again, and stopped while the reconnect is pending: no new connection may appear.
    fake.dropConnections();
    await fake.waitFor(() => fake.openConnections === 0, 2_000, 'the drop');
    await adapter.stop();
    await sleep(400);
    expect(fake.authenticatedConnections).toBe(before + 2);
    expect(fake.openConnections).toBe(0);

    // Stopped while a reconnect is still handshaking (CONNECTING): that socket is ended too, so
    // the handshake completing later does not bring the bot back.
    adapter = new MattermostAdapter(echo, {
      url: fake.url,
      token: 'bot-token',
      reconnect: { minMs: 50, jitterMs: 0 },
    });
    await adapter.start();
    const connected = fake.authenticatedConnections;
    fake.holdHandshakes();
    fake.dropConnections();
    await fake.waitFor(() => fake.heldHandshakes > 0, 5_000, 'a reconnect attempt');
    await adapter.stop();
    fake.releaseHandshakes();
    await sleep(400);
    expect(fake.authenticatedConnections).toBe(connected);
    expect(fake.rawConnections).toBe(0);

    // And stopping an open connection closes it.
    adapter = new MattermostAdapter(echo, { url: fake.url, token: 'bot-token' });
    await adapter.start();
    expect(fake.openConnections).toBe(1);
    await adapter.stop();
    await fake.waitFor(() => fake.openConnections === 0, 2_000, 'the close');
  });

  it('reconnects when an event arrives out of sequence, and then answers again', async () => {
    adapter = new MattermostAdapter(echo, {
      url: fake.url,
      token: 'bot-token',
      reconnect: { minMs: 50, jitterMs: 0 },
    });
    await adapter.start();
    const connected = fake.authenticatedConnections;
    const channel = fake.addChannel('volgorde');
    const anna = fake.addUser({ username: 'anna' });
    fake.skipSequence();
    // The client sees seq n+1 where it expected n: it drops the connection and opens a new one.
    const lost = fake.userPosts(anna, channel, '@archiefbot help');
    await fake.waitForConnection({ nth: connected + 1, timeoutMs: 5_000 });
    const post = fake.userPosts(anna, channel, '@archiefbot status');
    const answer = await fake.waitFor(() => fake.repliesTo(post.id)[0], 5_000, 'the answer');
    expect(answer.message).toBe('echo: status');
    expect(fake.repliesTo(lost.id)).toHaveLength(0);
  });

  it('posts a long reply as several posts in the thread, each within the limit', async () => {
    adapter = new MattermostAdapter(echo, { url: fake.url, token: 'bot-token' });
    const channel = fake.addChannel('lang');
    const b = new ReplyBuilder().header('Lang');
    for (let i = 0; i < 500; i++) b.section(`regel ${i} `.padEnd(80, '.'));
    const root = fake.userPosts(fake.addUser({ username: 'kees' }), channel, 'x');
    const reply = b.build();
    await adapter.send({ platform: 'mattermost', channel: channel.id, rootId: root.id }, reply);
    const posts = fake.repliesTo(root.id);
    expect(posts.length).toBe(3);
    for (const p of posts) expect(p.message.length).toBeLessThanOrEqual(POST_LIMIT);
    expect(posts.map((p) => p.message).join('\n')).toBe(toMarkdown(reply));
  });
});

describe('Mattermost through serve (fake Mattermost server: REST + WebSocket)', () => {
  let fake: FakeMattermost;
  let h: Harness;
  let chat: MattermostDriver;
  let dm: MattermostDriver;
  let base: string;

  beforeAll(async () => {
    fake = await FakeMattermost.start();
    h = await startHarness({
      MATTERMOST_URL: fake.url,
      MATTERMOST_TOKEN: 'bot-token',
      MATTERMOST_COMMAND_TOKEN: 'cmd-token',
    });
    base = `http://127.0.0.1:${h.running.port}`;
    chat = await startMattermostDriver(h, fake);
    dm = await startMattermostDriver(h, fake, { via: 'dm' });
  });
  afterAll(async () => {
    await chat?.close();
    await dm?.close();
    await h?.close();
    // serve's stop closed the WebSocket: nothing reconnects.
    expect(fake.openConnections).toBe(0);
    await fake?.close();
  });

  const slash = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}/mattermost/command`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  const slashFields = (text: string, user: string, token = 'cmd-token') => ({
    token,
    team_id: fake.team.id,
    team_domain: fake.team.name,
    channel_id: chat.channel.id,
    channel_name: chat.channel.name,
    user_id: user,
    user_name: user === MATTERMOST_ADMIN_ID ? 'beheerder' : 'medewerker',
    command: '/archief',
    text,
    response_url: `${fake.url}/hooks/commands/abc`,
    trigger_id: 'trigger',
  });

  it('starts with the bot token: who am I, my teams, an authenticated WebSocket', async () => {
    const health = await (await fetch(`${base}/healthz`)).json();
    expect(health.adapters).toContain('mattermost');
    const me = fake.requests.find((r) => r.path === '/api/v4/users/me');
    expect(me?.auth).toMatch(/^bearer bot-token$/i);
    expect(fake.requests.some((r) => r.path === '/api/v4/users/me/teams')).toBe(true);
    expect(fake.openConnections).toBe(1);
  });

  it('answers a mention in the thread of the post, with the mention stripped', async () => {
    const answers = await chat.say('hulp');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toContain('**Archiefbot: wat je mij kunt vragen**');
    const [post] = fake.repliesTo(chat.lastPost!.id);
    expect(post).toMatchObject({
      channel_id: chat.channel.id,
      root_id: chat.lastPost!.id,
      user_id: fake.bot.id,
    });

    // A mention inside a thread is answered in that thread (root_id = the thread's root).
    const root = chat.lastPost!;
    const inThread = fake.userPosts(
      chat.users.viewer,
      fake.addChannel('town-square'),
      '@archiefbot help status',
      {
        rootId: root.id,
      },
    );
    const n = fake.repliesTo(root.id).length;
    await fake.waitFor(() => fake.repliesTo(root.id).length > n, 5_000, 'the answer in the thread');
    expect(fake.repliesTo(inThread.id)).toHaveLength(0);
    expect(fake.repliesTo(root.id).at(-1)!.message).toContain('`status`');
  });

  it('does not answer channel posts that do not mention it', async () => {
    const before = fake.created.length;
    fake.userPosts(chat.users.viewer, chat.channel, 'help');
    fake.userPosts(chat.users.viewer, chat.channel, 'stuur het naar archiefbot@example.org');
    await chat.say('status'); // a later message is answered, so the earlier ones were seen
    await sleep(200);
    expect(fake.created.length).toBe(before + 1);
  });

  it('answers a direct message without a mention, in its thread', async () => {
    const answers = await dm.say('help search');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatch(/zoek|search/);
    const [post] = fake.repliesTo(dm.lastPost!.id);
    expect(post!.channel_id).toBe(fake.directChannel(dm.users.viewer).id);
  });

  it("ignores its own posts (they come back over the WebSocket) and other bots' and webhooks' posts", async () => {
    const before = fake.created.length;
    const own = fake.userPosts(fake.bot, chat.channel, '@archiefbot help');
    const ownDm = fake.userPosts(fake.bot, fake.directChannel(chat.users.viewer), 'help');
    const hook = fake.userPosts(chat.users.admin, chat.channel, '@archiefbot capture https://example.org/x', {
      props: { from_webhook: 'true' },
    });
    // Every answer the bot posts is echoed to it as a `posted` event; none of them may start a loop.
    await chat.say('help');
    await sleep(300);
    expect(fake.repliesTo(own.id)).toHaveLength(0);
    expect(fake.repliesTo(ownDm.id)).toHaveLength(0);
    expect(fake.repliesTo(hook.id)).toHaveLength(0);
    expect(fake.created.length).toBe(before + 1);
  });

  it('captures for the admin: acknowledges, then posts the result with its SHA-256 in the thread', async () => {
    const answers = await chat.say(`capture ${h.post.url}`, { user: 'admin', until: /SHA-256/ });
    expect(answers[0]).toMatch(/^Archiving .* \(job .+\)\. I'll answer in this thread when it's done\.$/);
    const result = answers.at(-1)!;
    expect(result).toMatch(/^\*\*Archived: post #\d+, version 1\*\*/);
    expect(result).toMatch(/- SHA-256: [0-9a-f]{64}/);
    expect(result).toContain('Woo-jaarrapportage');
    // Buttons become their label and the command to type.
    expect(result).toMatch(/\[Show\] show \d+ · \[[^\]]+\] history \d+/);
    for (const p of fake.repliesTo(chat.lastPost!.id)) expect(p.root_id).toBe(chat.lastPost!.id);
    // Link buttons (attachments have none that open an address) are Markdown links on their own line.
    const id = /post #(\d+)/.exec(result)![1];
    expect(result).toMatch(new RegExp(`\\n\\[Open in browser\\]\\(http://[^)\\s]+/archive/post/${id}\\)$`));
    // Asked in the channel, show links the post page without a token and says where to get a link.
    const [shown] = await chat.say(`show ${id}`, { user: 'viewer' });
    expect(shown).not.toContain('token=');
    expect(shown).toContain('For a personal sign-in link, ask me in a direct message.');
    expect(shown).toMatch(new RegExp(`\\n\\[Open in browser\\]\\(http://[^)\\s]+/archive/post/${id}\\)$`));
  });

  it('refuses capture for a viewer and names the role it needs', async () => {
    const other = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Niet voor kijkers</p>' });
    const [answer] = await chat.say(`capture ${other.url}`, { user: 'viewer' });
    expect(answer).toMatch(/You may not do that here: `capture` needs the role archivist/);
  });

  it('answers the slash command at once: in_channel for answers, ephemeral for refusals', async () => {
    const res = await slash(slashFields('hulp', chat.users.viewer.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toEqual({
      response_type: 'in_channel',
      text: expect.stringContaining('Archiefbot: wat je'),
    });

    const other = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Slash</p>' });
    const refused = await (await slash(slashFields(`archiveer ${other.url}`, chat.users.viewer.id))).json();
    expect(refused.response_type).toBe('ephemeral');
    expect(refused.text).toMatch(/vraagt de rol archivist/);

    const unknown = await (await slash(slashFields('frobnicate', chat.users.viewer.id))).json();
    expect(unknown.response_type).toBe('ephemeral');

    // Mattermost also sends the token as `Authorization: Token …`.
    const viaHeader = await slash(
      { ...slashFields('status', chat.users.viewer.id), token: '' },
      { authorization: 'Token cmd-token' },
    );
    expect(viaHeader.status).toBe(200);
  });

  it('puts the personal sign-in link only in the direct channel with the bot (post or slash command)', async () => {
    const id = (await h.running.bot.deps.archive.db.get<{ id: number }>('SELECT min(id) AS id FROM post'))!
      .id;
    const login = /\[Open in browser\]\(http:\/\/[^)\s]+\/archive\/login\?token=[^)\s]+\)$/;
    const [inDm] = await dm.say(`show ${id}`, { user: 'viewer' });
    expect(inDm).toMatch(login);
    expect(inDm).not.toContain('ask me in a direct message');
    // A slash command names its channel: the direct channel with the bot is `<id>__<id>` of the two.
    const viewer = chat.users.viewer;
    const withBot = fake.directChannel(viewer);
    const fields = (channel: { id: string; name: string }) => ({
      ...slashFields(`show ${id}`, viewer.id),
      channel_id: channel.id,
      channel_name: channel.name,
    });
    expect((await (await slash(fields(withBot))).json()).text).toMatch(login);
    // A direct channel between two people: the in_channel answer reaches both, so no token.
    const colleague = fake.addUser({ username: 'collega' });
    const between = fake.addChannel([viewer.id, colleague.id].sort().join('__'), 'D');
    for (const channel of [between, chat.channel]) {
      const answer = (await (await slash(fields(channel))).json()).text as string;
      expect(answer).not.toContain('token=');
      expect(answer).toContain('ask me in a direct message');
      expect(answer).toMatch(new RegExp(`\\[Open in browser\\]\\(http://[^)\\s]+/archive/post/${id}\\)$`));
    }
  });

  it('delivers a slash-command capture result later by posting in the channel', async () => {
    const post = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Via de slash-opdracht</p>' });
    const before = fake.created.length;
    const res = await slash(slashFields(`capture ${post.url}`, MATTERMOST_ADMIN_ID));
    expect(res.status).toBe(200);
    const ack = await res.json();
    expect(ack.response_type).toBe('in_channel');
    expect(ack.text).toMatch(/^Archiving /);
    const result = await fake.waitFor(
      () => fake.created.slice(before).find((p) => /SHA-256/.test(p.message)),
      15_000,
      'the capture result',
    );
    expect(result).toMatchObject({ channel_id: chat.channel.id, root_id: '', user_id: fake.bot.id });
    expect(result.message).toContain('Via de slash-opdracht');
    expect(result.message).toMatch(/- SHA-256: [0-9a-f]{64}/);
  });

  it('refuses a slash command with a wrong or missing token (401) and runs nothing', async () => {
    const before = fake.created.length;
    const wrong = await slash(slashFields(`capture ${h.post.url}`, MATTERMOST_ADMIN_ID, 'cmd-tokem'));
    expect(wrong.status).toBe(401);
    const { token: _, ...noToken } = slashFields('help', MATTERMOST_ADMIN_ID);
    expect((await slash(noToken)).status).toBe(401);
    const headerOnly = { ...slashFields('help', MATTERMOST_ADMIN_ID), token: '' };
    expect((await slash(headerOnly, { authorization: 'Token nope' })).status).toBe(401);
    const json = await fetch(`${base}/mattermost/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slashFields('help', MATTERMOST_ADMIN_ID)),
    });
    expect(json.status).toBe(401);
    await sleep(200);
    expect(fake.created.length).toBe(before);
  });

  it('welcomes a channel it is added to (user_added for the bot), in Dutch, and no one else', async () => {
    const room = fake.addChannel('nieuw-kanaal');
    const before = fake.created.length;
    fake.addToChannel(chat.users.viewer, room);
    fake.addToChannel(fake.bot, room);
    const welcome = await fake.waitFor(
      () => fake.created.slice(before).find((p) => p.channel_id === room.id),
      5_000,
      'the welcome',
    );
    expect(welcome.root_id).toBe('');
    expect(welcome.message).toContain('**Hallo, ik ben Archiefbot**');
    expect(welcome.message).toContain('`archiveer <url>`');
    expect(welcome.message).toContain('`zoek <woorden>`');
    expect(welcome.message).toContain('`hulp`');
    await sleep(200);
    expect(fake.created.slice(before)).toHaveLength(1);
  });

  it('reconnects after the WebSocket drops and still answers', async () => {
    const before = fake.authenticatedConnections;
    fake.dropConnections();
    await fake.waitFor(() => fake.openConnections === 0, 2_000, 'the drop');
    // The client's own backoff: 3 s plus up to 2 s of jitter.
    await fake.waitForConnection({ nth: before + 1, timeoutMs: 15_000 });
    const answers = await chat.say('status');
    expect(answers[0]).toMatch(/^\*\*Status\*\*/);
    expect(fake.openConnections).toBe(1);
  });
});
