import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsAdapterFactory } from '../src/bots/registry.ts';
import type { TeamsAdapter } from '../src/bots/teams.ts';
import {
  channelOf,
  commandFromActivity,
  messageText,
  replyActivity,
  retryDelay,
  teamsSettings,
} from '../src/bots/teams.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, toAdaptiveCard } from '../src/bots/teams-card.ts';
import { ReplyBuilder, textReply } from '../src/chat/reply.ts';
import { loadConfig } from '../src/config.ts';
import { serve } from '../src/serve.ts';
import { conversationRef } from '../src/store/chat.ts';
import { postActivity, startTeamsDriver, TEAMS_USERS, teamsActivity } from './drivers/teams.ts';
import { type ConnectorActivity, FakeTeamsConnector } from './fakes/teams.ts';
import { testEnv } from './helpers/cli.ts';
import { type ChatDriver, type Harness, startHarness } from './helpers/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: cards are checked as the JSON Teams receives
type Json = any;

const card = (a: ConnectorActivity): Json =>
  a.body.attachments?.find((x: Json) => x.contentType === ADAPTIVE_CARD_CONTENT_TYPE)?.content;

/** Every element of a card body, containers opened. */
function elements(body: Json[]): Json[] {
  return body.flatMap((e) => [e, ...(e.items ? elements(e.items) : [])]);
}

describe('Teams: rendering and translation (no network)', () => {
  it('renders header, quoted section, fields, divider, context and buttons as an Adaptive Card 1.5', () => {
    const reply = new ReplyBuilder()
      .header('Post #7')
      .section('> Het kabinet publiceert.\nplain line', [
        ['Author', 'minbzk'],
        ['SHA-256', 'ab'.repeat(32)],
      ])
      .divider()
      .context('https://social.example/@minbzk/1')
      .buttons([
        { label: 'Show', command: 'show 7', style: 'primary' },
        { label: 'Forget', command: 'forget 7', style: 'danger' },
        { label: 'History', command: 'history 7' },
      ])
      .build();
    const c = toAdaptiveCard(reply);
    expect(c).toMatchObject({ type: 'AdaptiveCard', version: '1.5', fallbackText: reply.text });
    const [header, quote, plain, facts, hashName, hashValue, context, actions] = c.body as Json[];
    expect(header).toMatchObject({
      type: 'TextBlock',
      text: 'Post #7',
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
    });
    expect(quote).toMatchObject({ type: 'Container', style: 'emphasis' });
    expect(quote.items[0]).toMatchObject({ type: 'TextBlock', text: 'Het kabinet publiceert.', wrap: true });
    expect(plain).toMatchObject({ type: 'TextBlock', text: 'plain line', wrap: true });
    expect(facts).toEqual({ type: 'FactSet', facts: [{ title: 'Author', value: 'minbzk' }] });
    // A long value is not clipped in a FactSet: its name, then the value whole in a wrapping monospace block.
    expect(hashName).toMatchObject({ type: 'TextBlock', text: 'SHA-256', weight: 'Bolder', wrap: true });
    expect(hashValue).toEqual({
      type: 'TextBlock',
      text: 'ab'.repeat(32),
      fontType: 'Monospace',
      wrap: true,
      spacing: 'None',
    });
    expect(context).toMatchObject({
      type: 'TextBlock',
      size: 'Small',
      isSubtle: true,
      separator: true,
      text: 'https://social.example/@minbzk/1',
    });
    expect(actions.type).toBe('ActionSet');
    expect(actions.actions).toEqual([
      { type: 'Action.Submit', title: 'Show', style: 'positive', data: { command: 'show 7' } },
      { type: 'Action.Submit', title: 'Forget', style: 'destructive', data: { command: 'forget 7' } },
      { type: 'Action.Submit', title: 'History', style: 'default', data: { command: 'history 7' } },
    ]);
    expect(c.body).toHaveLength(8);
  });

  it('renders a link button as Action.OpenUrl after the command buttons, its address in the fallback text', () => {
    const url = 'https://archief.example.org/archive/login?token=abc.def';
    const reply = new ReplyBuilder()
      .context('note')
      .buttons([{ label: 'History', command: 'history 7' }], [{ label: 'Open in browser', url }])
      .build();
    const c = toAdaptiveCard(reply);
    expect(c.body.at(-1)).toEqual({
      type: 'ActionSet',
      actions: [
        { type: 'Action.Submit', title: 'History', style: 'default', data: { command: 'history 7' } },
        { type: 'Action.OpenUrl', title: 'Open in browser', url },
      ],
    });
    expect(c.fallbackText).toBe(`note\nOpen in browser: ${url}`);
    const alone = toAdaptiveCard(new ReplyBuilder().buttons([], [{ label: 'Open', url }]).build());
    expect(alone.body).toEqual([
      { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Open', url }] },
    ]);
  });

  it('sends every reply as one activity: the card, with the plain text only as its summary', () => {
    for (const reply of [
      textReply('Usage: `archiveer <url>`\nsecond line'),
      new ReplyBuilder()
        .header('Status')
        .section('', [['k', 'v']])
        .build(),
    ]) {
      const activity = replyActivity(reply) as Json;
      expect(activity.text).toBeUndefined();
      expect(activity.summary).toBe(reply.text);
      expect(activity.attachments).toHaveLength(1);
      expect(activity.attachments[0].contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
      expect(activity.attachments[0].content.fallbackText).toBe(reply.text);
    }
    // Placeholders stay as written and each line is its own block (no HTML escaping, no lost breaks).
    const c = toAdaptiveCard(textReply('Usage: `archiveer <url>`\nsecond line'));
    expect(c.body.map((e) => e.text)).toEqual(['Usage: `archiveer <url>`', 'second line']);
  });

  it('strips the bot mention, keeps other mentions as names, and decodes entities', () => {
    const base = { type: 'message', recipient: { id: '28:bot' } };
    const mention = (id: string, name: string) => ({
      type: 'mention',
      mentioned: { id, name },
      text: `<at>${name}</at>`,
    });
    expect(
      messageText({
        ...base,
        text: '<at>Archiefbot</at> capture https://a.example/?x=1&amp;y=2',
        entities: [mention('28:bot', 'Archiefbot')],
      }),
    ).toBe('capture https://a.example/?x=1&y=2');
    expect(
      messageText({
        ...base,
        text: 'search&nbsp;woo <at>Archiefbot</at> for <at>Piet</at>',
        entities: [mention('28:bot', 'Archiefbot'), mention('29:piet', 'Piet')],
      }),
    ).toBe('search woo for Piet');
    // Mention without an entity (some clients): a leading <at>…</at> is the bot.
    expect(messageText({ ...base, text: '<at>Archiefbot</at>   help' })).toBe('help');
  });

  it('builds the ChatCommand: aadObjectId before id, channel without the thread suffix, button command', () => {
    const cmd = commandFromActivity({
      type: 'message',
      id: 'act-9',
      text: '',
      value: { command: 'show 3' },
      from: { id: '29:x', aadObjectId: 'aad-guid-1', name: 'Piet' },
      recipient: { id: '28:bot' },
      conversation: { id: '19:general@thread.tacv2;messageid=1700' },
    });
    expect(cmd).toEqual({
      platform: 'teams',
      user: 'aad-guid-1',
      userName: 'Piet',
      channel: '19:general@thread.tacv2',
      text: '',
      action: { command: 'show 3' },
      replyTo: {
        platform: 'teams',
        channel: '19:general@thread.tacv2',
        conversation: '19:general@thread.tacv2;messageid=1700',
        activityId: 'act-9',
      },
      private: false,
    });
    expect(JSON.parse(JSON.stringify(cmd!.replyTo))).toEqual(cmd!.replyTo);
    // Only the personal scope (the one-to-one chat with the bot) is the asker's alone.
    const scoped = (conversationType: string) =>
      commandFromActivity({
        type: 'message',
        from: { id: '29:x' },
        conversation: { id: 'a:1', conversationType },
      });
    expect(scoped('personal')?.private).toBe(true);
    expect(scoped('groupChat')?.private).toBe(false);
    expect(scoped('channel')?.private).toBe(false);
    expect(channelOf('a:conv-1')).toBe('a:conv-1');
    expect(commandFromActivity({ type: 'message', text: 'help', conversation: { id: 'c' } })).toBeNull();
  });

  it('retries only transient connector failures', () => {
    const http = (status: number, retryAfter?: string) => ({
      status,
      response: { headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}) },
    });
    expect(retryDelay(http(429, '3'), 1, 500)).toBe(3000);
    expect(retryDelay(http(429, '3600'), 1, 500)).toBe(60_000);
    expect(retryDelay(http(503), 1, 500)).toBe(500);
    expect(retryDelay(http(502), 3, 500)).toBe(2000);
    expect(retryDelay(http(400), 1, 500)).toBeNull();
    expect(retryDelay(http(401), 1, 500)).toBeNull();
    expect(retryDelay(http(500), 1, 500)).toBeNull();
    expect(retryDelay(new TypeError('fetch failed'), 2, 100)).toBe(200);
    expect(retryDelay(new Error('no conversation reference'), 1, 100)).toBeNull();
  });

  it('is configured by MICROSOFT_APP_ID or TEAMS_ENABLED=true, and checks its settings', () => {
    expect(teamsAdapterFactory.configured({})).toBe(false);
    expect(teamsAdapterFactory.configured({ TEAMS_ENABLED: 'false' })).toBe(false);
    expect(teamsAdapterFactory.configured({ TEAMS_ENABLED: 'true' })).toBe(true);
    expect(teamsAdapterFactory.configured({ MICROSOFT_APP_ID: 'app-1' })).toBe(true);
    expect(() => teamsSettings({ TEAMS_ENABLED: 'true', NODE_ENV: 'production' })).toThrow(/TEAMS_ENABLED/);
    expect(() => teamsSettings({ MICROSOFT_APP_ID: 'app-1' })).toThrow(/MICROSOFT_APP_PASSWORD/);
    expect(
      teamsSettings({
        MICROSOFT_APP_ID: 'app-1',
        MICROSOFT_APP_PASSWORD: 's3cret',
        MICROSOFT_APP_TENANT_ID: 't-1',
      }),
    ).toEqual({ appId: 'app-1', appPassword: 's3cret', tenantId: 't-1' });
  });
});

describe('Teams adapter through serve (TEAMS_ENABLED, fake connector)', () => {
  let h: Harness;
  let fake: FakeTeamsConnector;
  let driver: ChatDriver;
  let adapter: TeamsAdapter;
  let seq = 0;
  const nextId = () => `in-${++seq}`;

  /** Posts a message and waits until the adapter has answered it; returns the connector's activities for it. */
  async function send(o: Omit<Parameters<typeof teamsActivity>[0], 'serviceUrl'>) {
    const res = await postActivity(h.running.port, teamsActivity({ ...o, serviceUrl: fake.serviceUrl }));
    expect(res.status).toBe(200);
    await adapter.idle();
    return fake.repliesTo(o.id);
  }

  beforeAll(async () => {
    fake = await FakeTeamsConnector.start();
    h = await startHarness({ TEAMS_ENABLED: 'true', NODE_ENV: 'test' });
    adapter = h.running.adapters.get('teams') as TeamsAdapter;
    driver = await startTeamsDriver(h, fake);
  });
  afterAll(async () => {
    await driver?.close();
    await h?.close();
    await fake?.close();
  });

  it('answers help with an Adaptive Card and its text, threaded under the question, without a token', async () => {
    const id = nextId();
    const [reply, ...more] = await send({ id, text: 'hulp' });
    expect(more).toEqual([]);
    expect(reply!.path).toBe(`/v3/conversations/a:conv-1/activities/${id}`);
    expect(reply!.authorization).toBeUndefined();
    expect(reply!.body).toMatchObject({
      type: 'message',
      replyToId: id,
      conversation: { id: 'a:conv-1' },
      recipient: { id: TEAMS_USERS.viewer.id },
      from: { id: '28:archiefbot-app' },
    });
    // `hulp` is Dutch: the answer is too.
    expect(reply!.body.summary).toMatch(/^Archiefbot: wat je mij kunt vragen/);
    expect(reply!.body.summary).toContain('archiveer <url>');
    const c = card(reply!);
    expect(c).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(c.body[0]).toMatchObject({
      text: 'Archiefbot: wat je mij kunt vragen',
      size: 'Large',
      weight: 'Bolder',
    });
    expect(elements(c.body).some((e) => /^`archiveer <url> \[browser\]` — /.test(e.text ?? ''))).toBe(true);
    // The conversation reference is stored for answers and alerts later.
    const ref = await conversationRef<Json>(h.running.bot.deps.archive.db, 'teams', 'a:conv-1');
    expect(ref).toMatchObject({
      serviceUrl: fake.serviceUrl,
      channelId: 'msteams',
      conversation: { id: 'a:conv-1' },
      agent: { id: '28:archiefbot-app' },
    });
    expect(ref.activityId).toBeUndefined();
  });

  it('captures for an admin: acknowledgement, then the result with the SHA-256 in the same thread; its button works', async () => {
    const id = nextId();
    await send({ id, text: `capture ${h.post.url}`, from: TEAMS_USERS.admin });
    const result = await fake.waitFor((a) => a.replyTo === id && /SHA-256/.test(a.body.summary ?? ''));
    const replies = fake.repliesTo(id);
    // One activity per answer: the acknowledgement, then the result (no text bubble beside a card).
    expect(replies).toHaveLength(2);
    expect(replies[0]!.body.summary).toMatch(/^Archiving .* \(job .+\)\. I'll answer in this thread/);
    expect(replies[0]!.body.text).toBeUndefined();
    expect(card(replies[0]!).body[0].text).toMatch(/^Archiving /);
    expect(replies[1]).toBe(result);
    expect(result.path).toBe(`/v3/conversations/a:conv-1/activities/${id}`);
    expect(result.body.replyToId).toBe(id);

    const m = /Archived: post #(\d+), version 1/.exec(result.body.summary);
    expect(m).not.toBeNull();
    const postId = Number(m![1]);
    const version = await h.running.bot.deps.archive.db.get<{ content_hash: string }>(
      'SELECT content_hash FROM version WHERE post_id = ?',
      [postId],
    );
    expect(version?.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.body.summary).toContain(`SHA-256: ${version!.content_hash}`);
    const c = card(result);
    expect(result.body.text).toBeUndefined();
    // The hash and the WARC name whole, in monospace blocks that wrap (a FactSet would clip them).
    const mono = elements(c.body).filter((e) => e.fontType === 'Monospace');
    expect(mono).toContainEqual(expect.objectContaining({ text: version!.content_hash, wrap: true }));
    expect(mono.some((e) => /\.warc\.gz/.test(e.text))).toBe(true);
    const facts = elements(c.body)
      .filter((e) => e.type === 'FactSet')
      .flatMap((e) => e.facts);
    expect(facts.map((f: Json) => f.title)).not.toContain('SHA-256');
    const buttons = elements(c.body).find((e) => e.type === 'ActionSet').actions;
    expect(buttons[0]).toEqual({
      type: 'Action.Submit',
      title: 'Show',
      style: 'positive',
      data: { command: `show ${postId}` },
    });

    // Pressing "Show": Teams posts a message activity carrying the button's data as `value`.
    const press = nextId();
    const [shown] = await send({ id: press, value: buttons[0].data, from: TEAMS_USERS.viewer });
    expect(shown!.body.summary).toMatch(new RegExp(`^Post #${postId} \\(mastodon, live\\)`));
    expect(card(shown!).body[0].text).toBe(`Post #${postId} (mastodon, live)`);
    // The capture result links the post's page in the viewer; the answer to "Show" a login for the asker.
    expect(buttons.at(-1)).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open in browser',
      url: expect.stringMatching(new RegExp(`/archive/post/${postId}$`)),
    });
    const open = elements(card(shown!).body)
      .find((e) => e.type === 'ActionSet')
      .actions.filter((a: Json) => a.type === 'Action.OpenUrl');
    expect(open).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Open in browser',
        url: expect.stringMatching(/\/archive\/login\?token=/),
      },
    ]);
    expect(shown!.body.summary).toContain(`Open in browser: ${open[0].url}`);

    // The same button pressed in a channel or a group chat: others read the answer, so no token
    // anywhere (card or summary), the post's page instead, and where to get a personal link.
    for (const conversationType of ['channel', 'groupChat'] as const) {
      const [there] = await send({
        id: nextId(),
        value: buttons[0].data,
        from: TEAMS_USERS.viewer,
        conversationId:
          conversationType === 'channel' ? '19:general@thread.tacv2;messageid=42' : '19:group-chat',
        conversationType,
      });
      expect(JSON.stringify(there!.body)).not.toContain('token=');
      expect(there!.body.summary).toContain('ask me in a direct message');
      expect(
        elements(card(there!).body)
          .find((e) => e.type === 'ActionSet')
          .actions.filter((a: Json) => a.type === 'Action.OpenUrl'),
      ).toEqual([
        {
          type: 'Action.OpenUrl',
          title: 'Open in browser',
          url: expect.stringMatching(new RegExp(`/archive/post/${postId}$`)),
        },
      ]);
    }
  });

  it('refuses a capture by a viewer and names the role it needs', async () => {
    const id = nextId();
    const [reply] = await send({ id, text: `capture ${h.post.url}` });
    expect(reply!.body.summary).toMatch(/`capture` needs the role archivist \(you have: viewer\)/);
    expect(
      card(reply!)
        .body.map((e: Json) => e.text)
        .join('\n'),
    ).toBe(reply!.body.summary);
    const audit = await h.running.bot.deps.archive.db.get<{ actor: string; detail: string }>(
      "SELECT actor, detail FROM audit WHERE action = 'chat.command' ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.actor).toBe('teams:29:viewer-user');
    expect(JSON.parse(audit!.detail)).toMatchObject({
      allowed: false,
      needed: 'archivist',
      channel: 'a:conv-1',
    });
  });

  it('takes the user from aadObjectId when Teams sends one', async () => {
    await send({
      id: nextId(),
      text: 'status',
      from: { id: '29:someone', aadObjectId: 'aad-0001', name: 'Sam' },
    });
    const audit = await h.running.bot.deps.archive.db.get<{ actor: string }>(
      "SELECT actor FROM audit WHERE action = 'chat.command' ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.actor).toBe('teams:aad-0001');
  });

  it('answers an @mention in a channel thread in that thread, and keeps the channel for alerts', async () => {
    const id = nextId();
    const thread = '19:general@thread.tacv2;messageid=1700000000000';
    const [reply] = await send({
      id,
      text: '<at>Archiefbot</at> help capture',
      conversationId: thread,
      conversationType: 'channel',
      entities: [
        {
          type: 'mention',
          mentioned: { id: '28:archiefbot-app', name: 'Archiefbot' },
          text: '<at>Archiefbot</at>',
        },
      ],
    });
    expect(reply!.conversationId).toBe(thread);
    expect(reply!.replyTo).toBe(id);
    expect(reply!.body.summary).toMatch(/^`capture <url> \[browser\]`/);
    const ref = await conversationRef<Json>(
      h.running.bot.deps.archive.db,
      'teams',
      '19:general@thread.tacv2',
    );
    expect(ref?.conversation.id).toBe('19:general@thread.tacv2');

    // An alert for the channel starts a new post in the channel, not a reply in the thread.
    const before = fake.activities.length;
    await adapter.send(
      { platform: 'teams', channel: '19:general@thread.tacv2' },
      textReply('Alert: post #1 deleted'),
    );
    const alert = fake.activities[before]!;
    expect(alert.path).toBe('/v3/conversations/19:general@thread.tacv2/activities');
    expect(alert.body.summary).toBe('Alert: post #1 deleted');
  });

  it('sends proactively with a stored reference: a new message in the conversation', async () => {
    const reply = new ReplyBuilder()
      .header('Post #1 was edited')
      .section('', [['Version', '2']])
      .build();
    const before = fake.activities.length;
    await adapter.send({ platform: 'teams', channel: 'a:conv-1' }, reply);
    expect(fake.activities).toHaveLength(before + 1);
    const sent = fake.activities[before]!;
    expect(sent.path).toBe('/v3/conversations/a:conv-1/activities');
    expect(sent.replyTo).toBeUndefined();
    expect(sent.body.replyToId).toBeUndefined();
    expect(sent.body.summary).toBe('Post #1 was edited\nVersion: 2');
    expect(card(sent).body[0]).toMatchObject({ text: 'Post #1 was edited', weight: 'Bolder' });
    expect(sent.body.from).toMatchObject({ id: '28:archiefbot-app' });
  });

  it('reports a send the connector refuses to the caller (the capture notifier logs it)', async () => {
    fake.fail({ status: 403 });
    await expect(
      adapter.send({ platform: 'teams', channel: 'a:conv-1' }, textReply('hello')),
    ).rejects.toThrow(/403/);
  });

  it('refuses to send where it has never been spoken to', async () => {
    await expect(
      adapter.send({ platform: 'teams', channel: 'a:unknown' }, textReply('hello')),
    ).rejects.toThrow(/no Teams conversation reference for a:unknown/);
  });

  it('welcomes a conversation the bot is added to (membersAdded with the bot), as a new message', async () => {
    const id = nextId();
    const res = await postActivity(h.running.port, {
      ...teamsActivity({
        id,
        type: 'conversationUpdate',
        serviceUrl: fake.serviceUrl,
        conversationId: '19:team-general@thread.tacv2',
        conversationType: 'channel',
        from: TEAMS_USERS.admin,
      }),
      membersAdded: [{ id: '28:archiefbot-app', name: 'Archiefbot' }],
    });
    expect(res.status).toBe(200);
    await adapter.idle();
    const [welcome, ...more] = fake.activities.filter(
      (a) => a.conversationId === '19:team-general@thread.tacv2',
    );
    expect(more).toEqual([]);
    expect(welcome!.path).toBe('/v3/conversations/19:team-general@thread.tacv2/activities');
    expect(welcome!.body.replyToId).toBeUndefined();
    expect(welcome!.body.summary).toMatch(/^Hallo, ik ben Archiefbot\n/);
    const texts = elements(card(welcome!).body).map((e) => e.text ?? '');
    expect(texts).toContain('Hallo, ik ben Archiefbot');
    expect(texts.some((t) => t.startsWith('`archiveer <url>`'))).toBe(true);
    expect(texts.some((t) => t.startsWith('`zoek <woorden>`'))).toBe(true);
    expect(texts.some((t) => t.startsWith('`hulp`'))).toBe(true);

    // Someone else joining says nothing.
    const other = nextId();
    await postActivity(h.running.port, {
      ...teamsActivity({
        id: other,
        type: 'conversationUpdate',
        serviceUrl: fake.serviceUrl,
        conversationId: 'a:conv-joined',
      }),
      membersAdded: [{ id: '29:new-colleague' }],
    });
    await adapter.idle();
    expect(fake.activities.filter((a) => a.conversationId === 'a:conv-joined')).toEqual([]);
  });

  it('stores the reference when installed (conversationUpdate) and answers nothing', async () => {
    const id = nextId();
    const res = await postActivity(
      h.running.port,
      teamsActivity({
        id,
        type: 'conversationUpdate',
        serviceUrl: fake.serviceUrl,
        conversationId: 'a:conv-installed',
      }),
    );
    expect(res.status).toBe(200);
    await adapter.idle();
    expect(fake.repliesTo(id)).toEqual([]);
    const ref = await conversationRef<Json>(h.running.bot.deps.archive.db, 'teams', 'a:conv-installed');
    expect(ref?.serviceUrl).toBe(fake.serviceUrl);
  });

  it('answers 400 to a body that is not an Activity', async () => {
    const notJson = await fetch(`http://127.0.0.1:${h.running.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    expect(notJson.status).toBe(400);
    const noConversation = await postActivity(h.running.port, {
      type: 'message',
      text: 'help',
      serviceUrl: fake.serviceUrl,
    });
    expect(noConversation.status).toBe(400);
    // Without a serviceUrl there is nowhere to answer: refused before any command runs.
    const audits = async () =>
      (await h.running.bot.deps.archive.db.get<{ n: number }>('SELECT count(*) AS n FROM audit'))!.n;
    const before = await audits();
    const { serviceUrl: _, ...noServiceUrl } = teamsActivity({ id: nextId(), text: 'help', serviceUrl: '' });
    expect((await postActivity(h.running.port, noServiceUrl)).status).toBe(400);
    await adapter.idle();
    expect(await audits()).toBe(before);
  });

  it('retries a throttled send (429 with Retry-After) and delivers the answer', async () => {
    const failedBefore = fake.failed;
    fake.fail({ status: 429, headers: { 'retry-after': '0' }, times: 2 });
    const id = nextId();
    const [reply, ...more] = await send({ id, text: 'status' });
    expect(fake.failed - failedBefore).toBe(2);
    expect(reply!.body.summary).toMatch(/^Status/);
    expect(more).toEqual([]);
  });

  it('gives up on a send the connector refuses (400), and keeps answering', async () => {
    const failedBefore = fake.failed;
    fake.fail({ status: 400 });
    const lost = nextId();
    await send({ id: lost, text: 'status' });
    expect(fake.failed - failedBefore).toBe(1);
    expect(fake.repliesTo(lost)).toEqual([]);
    const [reply] = await send({ id: nextId(), text: 'status' });
    expect(reply!.body.summary).toMatch(/^Status/);
  });

  it('holds the scripted conversation through the driver', async () => {
    expect((await driver.say('hulp'))[0]).toMatch(/^Archiefbot: wat je mij kunt vragen/);
    expect((await driver.say('help show'))[0]).toMatch(/^`show <id\|url>`/);
    expect((await driver.say('captur x'))[0]).toMatch(/Bedoelde je `capture`\?/);
    expect((await driver.say(`capture ${h.post.url}`))[0]).toMatch(/needs the role archivist/);
    const found = await driver.say('search woo-jaarrapportage');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/jaarrapportage/i);
    // A post not captured before (a second capture of the same URL within the idempotency window is
    // a duplicate of the finished job, which the core does not answer again).
    const other = h.mastodon.addStatus({ username: 'minbzk', content: '<p>Tweede bericht over de Woo.</p>' });
    const captured = await driver.say(`archiveer ${other.url}`, { user: 'admin', until: /SHA-256/ });
    expect(captured).toHaveLength(2);
    expect(captured[0]).toMatch(/^Bezig met archiveren van .* Ik antwoord in deze draad/);
    expect(captured[1]).toMatch(/^Gearchiveerd: bericht #\d+, versie 1\n/);
  });
});

describe('Teams adapter with an app id (JWT)', () => {
  let h: Harness;
  let fake: FakeTeamsConnector;
  beforeAll(async () => {
    fake = await FakeTeamsConnector.start();
    h = await startHarness({
      MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
      MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
      MICROSOFT_APP_TENANT_ID: '66666666-7777-8888-9999-000000000000',
      NODE_ENV: 'test',
    });
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it('rejects requests without a valid Bot Framework token with 401 and runs nothing', async () => {
    const activity = teamsActivity({ id: 'jwt-1', text: 'help', serviceUrl: fake.serviceUrl });
    const none = await postActivity(h.running.port, activity);
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/authorization header not found/);
    const garbage = await postActivity(h.running.port, activity, { authorization: 'Bearer not-a-jwt' });
    expect(garbage.status).toBe(401);
    const basic = await postActivity(h.running.port, activity, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
    // A well-formed but unsigned token for another audience.
    const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: 'someone-else', iss: 'https://api.botframework.com' })}.`;
    const wrongAudience = await postActivity(h.running.port, activity, { authorization: `Bearer ${forged}` });
    expect(wrongAudience.status).toBe(401);

    expect(fake.activities).toEqual([]);
    const audited = await h.running.bot.deps.archive.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM audit WHERE actor LIKE 'teams:%'",
    );
    expect(audited?.n).toBe(0);
    expect(await conversationRef(h.running.bot.deps.archive.db, 'teams', 'a:conv-1')).toBeNull();
    const health = await (await fetch(`http://127.0.0.1:${h.running.port}/healthz`)).json();
    expect(health.adapters).toContain('teams');
  });

  it('serve refuses TEAMS_ENABLED=true when NODE_ENV=production', async () => {
    const t = testEnv();
    const env = { ...t.env, REDIS_URL: h.env.REDIS_URL!, TEAMS_ENABLED: 'true', NODE_ENV: 'production' };
    try {
      await expect(
        serve(loadConfig(env), { env, log: pino({ level: 'silent' }), worker: false, shell: 'off', port: 0 }),
      ).rejects.toThrow(/TEAMS_ENABLED=true .* refused when NODE_ENV=production/);
    } finally {
      t.cleanup();
    }
  });
});
