import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMrkdwn } from '../src/bots/slack-blocks.ts';
import type { ChatAdapter } from '../src/chat/adapter.ts';
import { Bot } from '../src/chat/bot.ts';
import type { ChatCommand, ChatPlatform, ReplyTarget } from '../src/chat/chat.ts';
import { ChatCommunity } from '../src/chat/community.ts';
import { ChatKnowledge } from '../src/chat/knowledge.ts';
import { Outbox } from '../src/chat/outbox.ts';
import type { Reply } from '../src/chat/reply.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { confidence, sameQuestion, similarity, topicOf } from '../src/kb/community.ts';
import { ask } from '../src/kb/index.ts';
import { Archive } from '../src/store/archive.ts';
import { verifyAuditChain } from '../src/store/audit.ts';
import { setLanguage } from '../src/usecases/channel.ts';
import { startSlackDriver } from './drivers/slack.ts';
import { BOT_ACCOUNT, postActivity, startTeamsDriver, TEAMS_USERS, teamsActivity } from './drivers/teams.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeTeamsConnector } from './fakes/teams.ts';
import { cli, testEnv } from './helpers/cli.ts';
import { startHarness } from './helpers/harness.ts';

const UNKNOWN_Q = 'Welk telefoonnummer heeft de Woo-helpdesk?';
const UNKNOWN_Q_AGAIN = 'Wat is het telefoonnummer van de Woo-helpdesk?';
const UNSURE_Q = 'Hoeveel Woo-verzoeken krijgt Kerkrade per jaar?';
const GUIDANCE_Q = 'Welke MDTO-elementen zijn verplicht?';

describe('the knowledge base reads questions for the community', () => {
  it('says how sure it is: unknown, an entry that covers the question poorly, or a good match', () => {
    expect(confidence(UNKNOWN_Q, ask(UNKNOWN_Q))).toBe('none');
    expect(confidence(UNSURE_Q, ask(UNSURE_Q))).toBe('low');
    expect(confidence(GUIDANCE_Q, ask(GUIDANCE_Q))).toBe('high');
    // A decision rests on the rules, not on retrieval.
    const decision = 'Moet ik de berichten van het corporate X-account van mijn ministerie archiveren?';
    expect(confidence(decision, ask(decision))).toBe('high');
  });

  it('groups the same question in other words, and keeps different topics apart', () => {
    expect(similarity(UNKNOWN_Q, UNKNOWN_Q_AGAIN)).toBeGreaterThan(0.9);
    expect(similarity(UNKNOWN_Q, GUIDANCE_Q)).toBeLessThan(0.2);
    const open = [
      { id: 1, question: GUIDANCE_Q, topic: null },
      { id: 2, question: UNKNOWN_Q, topic: 'woo' },
    ];
    expect(sameQuestion(UNKNOWN_Q_AGAIN, 'woo', open)?.id).toBe(2);
    // The same words about another topic are another question.
    expect(sameQuestion('Welk telefoonnummer heeft de AVG-helpdesk?', 'avg', open)).toBeUndefined();
  });

  it('finds the topic of a question among the experts’ topics, by the knowledge base’s stems', () => {
    const topics = ['avg', 'woo', 'selectielijst'];
    expect(topicOf(UNKNOWN_Q, topics)).toBe('woo');
    expect(topicOf(UNSURE_Q, topics)).toBe('woo');
    expect(topicOf('Staat sociale media op de selectielijsten?', topics)).toBe('selectielijst');
    expect(topicOf('Wat is de lunchtijd?', topics)).toBeNull();
  });
});

/** An adapter that keeps what the outbox sends it. */
class RecordingAdapter implements ChatAdapter {
  readonly sent: { target: ReplyTarget; reply: Reply }[] = [];
  constructor(readonly platform: ChatPlatform) {}
  async start() {}
  async stop() {}
  async send(target: ReplyTarget, reply: Reply) {
    this.sent.push({ target, reply });
  }
}

const ROLES = new Roles({
  defaultRole: 'viewer',
  users: [
    { platform: 'teams', user: 'anna', name: 'Anna de Vries', roles: ['expert'], topics: ['woo'] },
    { platform: 'slack', user: 'U_BOB', name: 'Bob Bakker', roles: ['expert'], topics: ['avg', 'woo'] },
    { platform: 'slack', user: 'U_CARLA', name: 'Carla', roles: ['expert'], topics: ['selectielijst'] },
    { platform: 'slack', user: 'U_LEAD', name: 'Lotte Leider', roles: ['leader'] },
  ],
});

let t: ReturnType<typeof testEnv>;
let archive: Archive;
let bot: Bot;
const slack = new RecordingAdapter('slack');
const teams = new RecordingAdapter('teams');
let community: ChatCommunity;
let thread = 0;

/** A chat message from `user` on `platform`, answered in its own thread. */
async function say(
  text: string,
  user: string,
  platform: 'slack' | 'teams' = 'slack',
  channel = 'C_ASK',
): Promise<Reply> {
  const ts = `ts-${++thread}`;
  const replyTo: ReplyTarget =
    platform === 'slack' ? { platform, channel, thread_ts: ts } : { platform, channel, activityId: ts };
  const cmd: ChatCommand = { platform, user, channel, text, replyTo };
  const reply = await bot.handle(cmd);
  await community.idle(); // what the command sends on its own goes out after its answer
  return reply;
}

/** Anna's own Teams chat, where the bot speaks English (an archivist set `language en` there). */
const ANNA = 'a:anna';

const sentTo = (a: RecordingAdapter, channel: string) => a.sent.filter((s) => s.target.channel === channel);

beforeAll(async () => {
  t = testEnv();
  const config = loadConfig(t.env);
  archive = await Archive.open(config.dataDir, config.warc);
  const outbox = new Outbox();
  outbox.register(slack);
  outbox.register(teams);
  community = new ChatCommunity({
    roles: ROLES,
    outbox,
    channels: { slack: 'C_COMMUNITY', teams: '19:community@thread.tacv2' },
  });
  await setLanguage(archive, { platform: 'teams', channel: ANNA }, 'en', 'teams:archivist');
  bot = new Bot({
    archive,
    roles: ROLES,
    captures: {
      enqueue: async () => ({ jobId: '1', duplicate: false }),
      counts: async () => ({}),
    },
    checkUrl: () => {},
    lookupKeys: () => [],
    knowledge: new ChatKnowledge(community),
  });
});
afterAll(async () => {
  await archive.close();
  t.cleanup();
});

describe('open questions reach the experts, and their answer reaches the askers', () => {
  it('turns an unknown answer into an open question in every community channel, for the topic’s experts', async () => {
    const r = await say(UNKNOWN_Q, 'U_VERA');
    expect(r.text).toContain('Dat weet ik niet');
    expect(r.text).toContain(
      'Welkom bij de kenniscommunity. Huisregels: Geen vraag is te voor de hand liggend.',
    );
    expect(r.text).toContain('Ik heb je vraag doorgezet naar de experts (open vraag 1, 1 keer gesteld).');
    const [post] = sentTo(slack, 'C_COMMUNITY');
    expect(post!.reply.text).toContain('Nieuwe open vraag 1');
    expect(post!.reply.text).toContain(
      `“${UNKNOWN_Q}”\nGesteld door slack:U_VERA; onderwerp: woo; de kennisbank wist het niet.`,
    );
    expect(post!.reply.text).toContain('Voor de experts op woo: Anna de Vries, Bob Bakker.');
    const buttons = post!.reply.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
    expect(buttons.map((b) => b.command)).toEqual(['kb open 1', 'kb overslaan 1']);
    expect(sentTo(teams, '19:community@thread.tacv2')).toHaveLength(1);
    // The Slack expert of the topic also hears it in a direct message; Carla (selectielijst) does not.
    expect(sentTo(slack, 'U_BOB').map((s) => s.reply.text)).toEqual([post!.reply.text]);
    expect(sentTo(slack, 'U_CARLA')).toEqual([]);
  });

  it('counts the same question asked again in other words, without posting it twice', async () => {
    const r = await say(UNKNOWN_Q_AGAIN, 'U_WIM');
    expect(r.text).toContain('open vraag 1, 2 keer gesteld');
    expect(sentTo(slack, 'C_COMMUNITY')).toHaveLength(1);
    const list = await say('kb open', 'U_VERA');
    expect(list.text).toContain(`*1* (2×, woo) ${UNKNOWN_Q}`);
  });

  it('lets an expert answer (not a viewer), wants a second expert to approve, and tells every asker in their thread', async () => {
    expect((await say('kb answer 1 Dat weet de Woo-contactpersoon.', 'U_VERA')).kind).toBe('refused');
    const answered = await say(
      'kb answer 1 Elk ministerie heeft een Woo-contactpersoon; zie de lijst op open.overheid.nl. | https://open.overheid.nl/contactpersonen',
      'anna',
      'teams',
      ANNA,
    );
    expect(answered.text).toMatch(
      /^Your answer to open question 1 is kept as #1; a second expert \(or the leader\) approves it with `kb approve 1`\.$/,
    );
    const waiting = sentTo(slack, 'C_COMMUNITY').at(-1)!;
    expect(waiting.reply.text).toContain('Anna de Vries heeft open vraag 1 beantwoord');
    // Four eyes: not the expert who answered.
    const own = await say('kb approve 1', 'anna', 'teams', ANNA);
    expect(own.kind).toBe('error');
    expect(own.text).toBe('#1 is your own answer: another expert (or the leader) approves it.');
    const approved = await say('kb goedkeuren 1', 'U_BOB');
    expect(approved.text).toBe(
      'Goedgekeurd: #1 beantwoordt nu open vraag 1; 2 vragers krijgen het antwoord in hun draad.',
    );
    const toVera = slack.sent.filter(
      (s) => s.target.channel === 'C_ASK' && s.reply.text.includes('De experts hebben'),
    );
    expect(toVera.map((s) => (s.target as { thread_ts?: string }).thread_ts)).toEqual(['ts-1', 'ts-2']);
    expect(toVera[0]!.reply.text).toMatch(
      /Uit de kenniscommunity: “Elk ministerie heeft een Woo-contactpersoon; zie de lijst op open\.overheid\.nl\.” \(beantwoord door Anna de Vries, goedgekeurd door Bob Bakker op \d{4}-\d\d-\d\d\)\./,
    );
    // Delivered once: a second round has nobody left to tell.
    expect(await community.deliverAnswers(archive)).toBe(0);
    expect((await say('kb open', 'U_VERA')).text).toBe('Er staan geen open vragen.');
  });

  it('answers the same question from then on with the experts’ answer, who gave it and when', async () => {
    const r = await say(UNKNOWN_Q, 'U_XAVI');
    expect(r.text).toMatch(
      /Uit de kenniscommunity: “Elk ministerie heeft een Woo-contactpersoon.*” \(beantwoord door Anna de Vries, goedgekeurd door Bob Bakker op \d{4}-\d\d-\d\d\)\./,
    );
    expect(r.text).not.toContain('open vraag');
  });

  it('puts an unsure answer to the experts too, and a rejected answer sends the question back', async () => {
    const r = await say(UNSURE_Q, 'U_VERA');
    expect(r.text).toContain('open vraag 2, 1 keer gesteld');
    expect(sentTo(slack, 'C_COMMUNITY').at(-1)!.reply.text).toContain(
      'de kennisbank was niet zeker van haar antwoord',
    );
    await say('kb answer 2 Zo’n 300.', 'U_BOB');
    const rejected = await say('kb reject 2 geen bron', 'anna', 'teams', ANNA);
    expect(rejected.text).toBe('Rejected: #2; open question 2 is open again. Reason: geen bron');
    expect((await say('kb open', 'U_VERA')).text).toContain(`*2* (1×, woo) ${UNSURE_Q}`);
    const passed = await say('kb overslaan 2', 'U_CARLA');
    expect(passed.text).toBe('Je slaat open vraag 2 over; hij blijft open voor de andere experts.');
    expect((await say('kb open', 'U_VERA')).text).toContain('overgeslagen door Carla');
  });

  it('puts a "this did not help" button under answers, which makes the question an open one', async () => {
    const r = await say(GUIDANCE_Q, 'U_VERA');
    const button = r.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : [])).at(-1)!;
    expect(button.label).toBe('Dit hielp niet');
    expect(button.command).toMatch(/^vraag #n\d+$/);
    const before = sentTo(slack, 'C_COMMUNITY').length;
    const pressed = await bot.handle({
      platform: 'slack',
      user: 'U_VERA',
      channel: 'C_ASK',
      action: { command: button.command },
      replyTo: { platform: 'slack', channel: 'C_ASK', thread_ts: 'ts-mdto' },
    });
    await community.idle();
    expect(pressed.text).toBe(
      'Dank je. Ik heb je vraag doorgezet naar de experts (open vraag 3); je krijgt het antwoord hier zodra het is goedgekeurd.',
    );
    const post = sentTo(slack, 'C_COMMUNITY').slice(before);
    expect(post).toHaveLength(1);
    expect(post[0]!.reply.text).toContain('de vrager vond het antwoord niet behulpzaam');
  });
});

describe('the leader', () => {
  it('sets the house rules (only the leader), which everyone sees with kb rules and on first use', async () => {
    expect((await say('kb rules set Be kind.', 'U_VERA')).kind).toBe('refused');
    expect((await say('kb huisregels zet Geen vraag is te dom. Noem je bron.', 'U_LEAD')).text).toBe(
      'De huisregels zijn vastgesteld; iedereen ziet ze bij het volgende gebruik.',
    );
    const shown = await say('kb rules', 'U_VERA');
    expect(shown.text).toMatch(
      /^Huisregels van de kenniscommunity\nGeen vraag is te dom\. Noem je bron\.\nVastgesteld door Lotte Leider op \d{4}-/,
    );
    const first = await say('Wat is de lunchtijd van de kantine op vrijdag?', 'U_NEW');
    expect(first.text).toContain('Huisregels: Geen vraag is te dom. Noem je bron.');
  });

  it('assigns an expert to a topic, after which its questions are put to them', async () => {
    expect((await say('kb expert add slack:U_CARLA avg', 'U_BOB')).kind).toBe('refused');
    const added = await say('kb expert add slack:U_DIRK avg', 'U_LEAD');
    expect(added.text).toBe(
      'slack:U_DIRK is nu expert op avg.\nslack:U_DIRK heeft in roles.yaml nog geen rol expert: pas met die rol kan hij antwoorden en goedkeuren.',
    );
    await say('Wie tekent de AVG-verwerkersovereenkomst bij ons?', 'U_VERA');
    const post = sentTo(slack, 'C_COMMUNITY').at(-1)!;
    expect(post.reply.text).toContain('onderwerp: avg');
    expect(post.reply.text).toContain('Voor de experts op avg: Bob Bakker, slack:U_DIRK.');
  });

  it('retires an entry: out of the answers, kept with its history in the audit log', async () => {
    expect((await say('kb retire 1', 'U_BOB')).kind).toBe('refused');
    const retired = await say('kb retire 1 verouderd', 'U_LEAD');
    expect(retired.text).toBe(
      '#1 is ingetrokken: het telt niet meer mee in de antwoorden, en blijft bewaard met zijn geschiedenis.',
    );
    const r = await say(UNKNOWN_Q, 'U_YVES');
    expect(r.text).not.toContain('Uit de kenniscommunity');
    expect(r.text).toContain('open vraag');
    const entry = await archive.db.get<{ status: string }>('SELECT status FROM kb_entry WHERE id = 1');
    expect(entry?.status).toBe('approved');
  });
});

describe('learning from the interaction', () => {
  it('audits every step, in one unbroken chain', async () => {
    const rows = await archive.db.all<{ actor: string; action: string; subject: string }>(
      "SELECT actor, action, subject FROM audit WHERE action LIKE 'kb.%' ORDER BY id",
    );
    const actions = rows.map((r) => `${r.actor} ${r.action} ${r.subject}`);
    expect(actions.slice(0, 4)).toEqual([
      'slack:U_VERA kb.open kb-open:1',
      'slack:U_WIM kb.open-again kb-open:1',
      'teams:anna kb.answer kb-open:1',
      'slack:U_BOB kb.approve kb:1',
    ]);
    expect(actions).toEqual(
      expect.arrayContaining([
        'teams:anna kb.reject kb:2',
        'slack:U_CARLA kb.pass kb-open:2',
        'slack:U_VERA kb.unhelpful kb-ask:5',
        'slack:U_LEAD kb.rules kb-rules',
        'slack:U_LEAD kb.expert-add kb-expert:slack:U_DIRK',
        'slack:U_LEAD kb.retire kb:1',
      ]),
    );
    expect((await verifyAuditChain(archive.db)).problems).toEqual([]);
  });

  it('posts the monthly digest once in every community channel', async () => {
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 6));
    const before = sentTo(teams, '19:community@thread.tacv2').length;
    expect(await community.postMonthlyDigest(archive, nextMonth)).toBe(true);
    expect(await community.postMonthlyDigest(archive, nextMonth)).toBe(false);
    const digest = sentTo(teams, '19:community@thread.tacv2').slice(before);
    expect(digest).toHaveLength(1);
    // Asked 8 times: two askings of open question 1 and the asking answered by the experts' entry
    // (3); the unsure one, the MDTO answer marked unhelpful, the canteen, the AVG one and the one asked
    // after its entry was retired (5 still open).
    expect(digest[0]!.reply.text).toMatch(
      /^Kenniscommunity: overzicht sinds \d{4}-\d\d-01\nVragen gesteld: 8\nBeantwoord door de handreiking: 0\nBeantwoord door experts: 3\nNog open: 5\nMediaan tot een expertantwoord: 0 uur\n/,
    );
    expect(digest[0]!.reply.text).toContain('Niet behulpzaam gevonden:\n• mdto (1×)');
    // A month nobody asked anything in gets no digest.
    expect(await community.postMonthlyDigest(archive, new Date(Date.UTC(2020, 5, 1)))).toBe(false);
  });
});

describe('archiefbot kb on the command line', () => {
  it('answers, approves with --as (checked against roles.yaml, audited with the operator) and reports the digest', async () => {
    const c = testEnv();
    const rolesFile = path.join(c.dataDir, 'roles.yaml');
    writeFileSync(
      rolesFile,
      `users:
  - { platform: teams, user: anna, name: Anna, roles: [expert], topics: [woo] }
  - { platform: slack, user: U_BOB, roles: [expert] }
`,
    );
    const env = { ...c.env, ARCHIEFBOT_ROLES: rolesFile };
    try {
      const asked = await cli(env, 'ask', UNKNOWN_Q, '--feedback', 'no', '--as', 'slack:U_VERA', '--json');
      expect(asked.json).toMatchObject({ verdict: 'unknown', openQuestion: 1 });
      expect((await cli(env, 'ask', UNKNOWN_Q, '--feedback', 'no', '--as', 'vera')).code).toBe(2);
      const helped = await cli(env, 'ask', GUIDANCE_Q, '--feedback', 'no', '--json');
      expect(helped.json.openQuestion).toBe(2);
      const open = await cli(env, 'kb', 'open', '--json');
      expect(open.json.open.map((q: { id: number; topic: string }) => [q.id, q.topic])).toEqual([
        [2, null],
        [1, 'woo'],
      ]);
      const notExpert = await cli(env, 'kb', 'answer', '1', 'x', '--as', 'slack:U_VERA');
      expect(notExpert.code).toBe(2);
      expect(notExpert.stderr).toContain('slack:U_VERA does not hold the role expert');
      const ans = await cli(
        env,
        'kb',
        'answer',
        '1',
        'Vraag het de Woo-contactpersoon.',
        '--as',
        'teams:anna',
        '--json',
      );
      expect(ans.json.entry).toMatchObject({ id: 1, status: 'pending', author: 'teams:anna' });
      const own = await cli(env, 'kb', 'approve', '1', '--as', 'teams:anna', '--json');
      expect(own.code).toBe(1);
      expect(own.json.error.code).toBe('four-eyes');
      const ok = await cli(env, 'kb', 'approve', '1', '--as', 'slack:U_BOB', '--json');
      expect(ok.json).toMatchObject({ status: 'approved', reviewer: 'slack:U_BOB' });
      const d = await cli(env, 'kb', 'digest', '--json');
      expect(d.json).toMatchObject({
        asked: 2,
        answeredByGuidance: 0,
        answeredByExperts: 1,
        open: 1,
        topOpen: [{ id: 2, question: GUIDANCE_Q, asked: 1 }],
        unhelpful: [{ entry: 'mdto', times: 1 }],
      });
      expect(d.json.medianHoursToAnswer).toBeGreaterThanOrEqual(0);
      const bad = await cli(env, 'kb', 'digest', '--since', 'lately');
      expect(bad.code).toBe(2);
      const audit = await withAudit(env);
      expect(audit).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            actor: 'teams:anna',
            action: 'kb.answer',
            operator: expect.stringMatching(/^cli/),
          }),
          expect.objectContaining({
            actor: 'slack:U_BOB',
            action: 'kb.approve',
            operator: expect.stringMatching(/^cli/),
          }),
        ]),
      );
      const text = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'kb', 'digest');
      expect(text.stdout).toContain('Beantwoord door experts: 1');
    } finally {
      c.cleanup();
    }
  });
});

async function withAudit(env: NodeJS.ProcessEnv) {
  const config = loadConfig(env);
  const a = await Archive.open(config.dataDir, config.warc);
  try {
    const rows = await a.db.all<{ actor: string; action: string; detail: string }>(
      "SELECT actor, action, detail FROM audit WHERE action LIKE 'kb.%' ORDER BY id",
    );
    return rows.map((r) => ({ actor: r.actor, action: r.action, operator: JSON.parse(r.detail).operator }));
  } finally {
    await a.close();
  }
}

describe('the knowledge community across Slack and Teams, through serve', () => {
  it('asks in Slack, answers in Teams, approves in Slack, tells the asker in their thread, and reports the digest', async () => {
    const slackFake = await FakeSlack.start();
    const teamsFake = await FakeTeamsConnector.start();
    const rolesDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-roles-'));
    const rolesFile = path.join(rolesDir, 'roles.yaml');
    // Anna (Teams) is the Woo expert; Bob (Slack) an admin, so also an expert and the leader.
    writeFileSync(
      rolesFile,
      `defaultRole: viewer
users:
  - { platform: teams, user: "29:admin-user", name: Anna Admin, roles: [expert], topics: [woo] }
  - { platform: slack, user: U_ADMIN, name: Bob Beheer, roles: [admin] }
`,
    );
    const h = await startHarness({
      ...slackFake.env(),
      TEAMS_ENABLED: 'true',
      NODE_ENV: 'test',
      ARCHIEFBOT_ROLES: rolesFile,
      ARCHIEFBOT_KB_COMMUNITY_SLACK: 'C_COMMUNITY',
      ARCHIEFBOT_KB_COMMUNITY_TEAMS: '19:community@thread.tacv2',
    });
    try {
      const inSlack = await startSlackDriver(h, slackFake);
      const inTeams = await startTeamsDriver(h, teamsFake);
      // The bot is added to the Teams community channel (so it may post there later).
      await postActivity(h.running.port, {
        ...teamsActivity({
          id: 'added-1',
          type: 'conversationUpdate',
          serviceUrl: teamsFake.serviceUrl,
          conversationId: '19:community@thread.tacv2',
          conversationType: 'channel',
          from: TEAMS_USERS.admin,
        }),
        membersAdded: [{ id: BOT_ACCOUNT.id, name: BOT_ACCOUNT.name }],
      });
      // Asked in Slack, unknown: the asker hears it went to the experts; both community channels get it.
      const [asked] = await inSlack.say(UNKNOWN_Q);
      expect(asked).toContain('Ik heb je vraag doorgezet naar de experts (open vraag 1, 1 keer gesteld).');
      const askedIn = slackFake.posts.find((p) => p.text.includes('open vraag 1, 1 keer'))!.thread_ts;
      const slackPost = await slackFake.waitFor(() =>
        slackFake.posts.find((p) => p.channel === 'C_COMMUNITY'),
      );
      expect(unescapeMrkdwn(slackPost.text)).toContain('Voor de experts op woo: Anna Admin.');
      const teamsPost = await teamsFake.waitFor(
        (a) =>
          a.conversationId === '19:community@thread.tacv2' && String(a.body.summary).includes('open vraag 1'),
      );
      expect(String(teamsPost.body.summary)).toContain(`“${UNKNOWN_Q}”`);
      expect(await inSlack.say(GUIDANCE_Q)).toEqual([expect.stringContaining('MDTO')]);
      expect(await inTeams.say(UNSURE_Q)).toEqual([expect.stringContaining('open vraag 2')]);
      // Anna answers in Teams; she cannot approve her own answer; Bob approves in Slack.
      const [answered] = await inTeams.say(
        `kb antwoord 1 Elk ministerie heeft een Woo-contactpersoon. | https://open.overheid.nl`,
        {
          user: 'admin',
        },
      );
      expect(answered).toContain('Je antwoord op open vraag 1 is bewaard als #1');
      expect(await inTeams.say('kb goedkeuren 1', { user: 'admin' })).toEqual([
        '#1 is je eigen antwoord: een andere expert (of de leider) keurt het goed.',
      ]);
      expect(await inSlack.say('kb goedkeuren 1', { user: 'admin' })).toEqual([
        'Goedgekeurd: #1 beantwoordt nu open vraag 1; 1 vrager krijgt het antwoord in zijn draad.',
      ]);
      const told = slackFake.posts.find((p) => p.text.includes('De experts hebben je vraag beantwoord'))!;
      expect(told.channel).toBe('C_CONVERSATION');
      expect(told.thread_ts).toBe(askedIn);
      expect(unescapeMrkdwn(told.text)).toMatch(
        /beantwoord door Anna Admin, goedgekeurd door Bob Beheer op \d{4}-\d\d-\d\d/,
      );

      // Asked again: the approved answer, with who answered, who approved and when.
      const [again] = await inSlack.say(UNKNOWN_Q);
      expect(again).toMatch(
        /Uit de kenniscommunity: “Elk ministerie heeft een Woo-contactpersoon\.” \(beantwoord door Anna Admin, goedgekeurd door Bob Beheer op \d{4}-\d\d-\d\d\)\./,
      );

      const d = await cli(h.env, 'kb', 'digest', '--json');
      expect(d.code, d.stderr).toBe(0);
      expect(d.json).toMatchObject({
        asked: 4,
        answeredByGuidance: 1,
        answeredByExperts: 2,
        open: 1,
        topOpen: [{ id: 2, question: UNSURE_Q, asked: 1, topic: 'woo' }],
      });
      expect(d.json.medianHoursToAnswer).toBeGreaterThanOrEqual(0);
      expect(d.json.medianHoursToAnswer).toBeLessThan(1);
      await inTeams.close();
    } finally {
      await h.close();
      await slackFake.close();
      await teamsFake.close();
      rmSync(rolesDir, { recursive: true, force: true });
    }
  }, 90_000);
});
