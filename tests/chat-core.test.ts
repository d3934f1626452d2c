import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { Bot } from '../src/chat/bot.ts';
import type { CaptureRequestFromChat, ChatCommand } from '../src/chat/chat.ts';
import { ChatKnowledge } from '../src/chat/knowledge.ts';
import { didYouMean, guessLanguage, parseCommand } from '../src/chat/parse.ts';
import { toMarkdown } from '../src/chat/reply.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { wordDiff } from '../src/domain/diff.ts';
import { Archive } from '../src/store/archive.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { cli, testEnv } from './helpers/cli.ts';

let m: FakeMastodon;
let t: ReturnType<typeof testEnv>;
let archive: Archive;
let pipeline: CapturePipeline;
const queued: CaptureRequestFromChat[] = [];
let bot: Bot;
let postId: number;

const roles = new Roles({
  defaultRole: 'viewer',
  users: [
    { platform: 'slack', user: 'U_ARCH', roles: ['archivist'] },
    { platform: 'slack', user: 'U_CHAN', roles: ['archivist'], channels: ['C_WEBCARE'] },
    { platform: 'slack', user: 'U_EXPERT', roles: ['expert'] },
    { platform: 'slack', user: 'U_ADMIN', roles: ['admin'] },
  ],
});

function cmd(text: string, user = 'U_VIEW', channel = 'C1'): ChatCommand {
  return { platform: 'slack', user, channel, text, replyTo: { platform: 'slack', channel } };
}

beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'minvws', displayName: 'Ministerie van VWS' });
  const post = m.addStatus({
    username: 'minvws',
    content: '<p>De griepprik is beschikbaar voor zestigplussers.</p>',
  });
  t = testEnv();
  const r = await cli(t.env, 'capture', post.url, '--json');
  postId = r.json.post.id;
  m.editStatus(post.id, { content: '<p>De griepprik is vanaf maandag beschikbaar voor zestigplussers.</p>' });
  await cli(t.env, 'capture', post.url, '--json');
  for (let i = 0; i < 12; i++) {
    const extra = m.addStatus({ username: 'minvws', content: `<p>Vaccinatie update ${i}</p>` });
    await cli(t.env, 'capture', extra.url);
  }
  const config = loadConfig(t.env);
  archive = await Archive.open(config.dataDir, config.warc);
  pipeline = new CapturePipeline(archive, config);
  bot = new Bot({
    archive,
    roles,
    captures: {
      enqueue: async (req) => {
        queued.push(req);
        return { jobId: String(queued.length), duplicate: false };
      },
      counts: async () => ({ waiting: queued.length, active: 0, delayed: 0 }),
    },
    checkUrl: (url) => void pipeline.resolve(url),
    lookupKeys: (ref) => pipeline.lookupKeys(ref),
    knowledge: new ChatKnowledge(),
  });
});
afterAll(async () => {
  await pipeline.close();
  await archive.close();
  await m.close();
  t.cleanup();
});

describe('the command language', () => {
  it('knows Dutch and English keywords, and sends plain questions to the knowledge base', () => {
    expect(parseCommand('archiveer https://x.nl/a')).toMatchObject({
      name: 'capture',
      lang: 'nl',
      args: 'https://x.nl/a',
    });
    expect(parseCommand('capture https://x.nl/a')).toMatchObject({ name: 'capture', lang: 'en' });
    expect(parseCommand('Zoek stikstof van:@minlnv')).toMatchObject({
      name: 'search',
      lang: 'nl',
      args: 'stikstof van:@minlnv',
    });
    expect(parseCommand('status')).toMatchObject({ name: 'status', lang: null });
    expect(parseCommand('Moet ik reacties op ons account archiveren?')).toMatchObject({
      name: 'ask',
      args: 'Moet ik reacties op ons account archiveren?',
    });
    expect(parseCommand('must I archive a DM?')).toMatchObject({ name: 'ask' });
    expect(parseCommand('moet ik dit archiveren? https://x.nl/a')).toMatchObject({ name: 'ask' });
    expect(parseCommand('banaan')).toMatchObject({ name: null, word: 'banaan' });
  });

  it('suggests the nearest command for a typo', () => {
    expect(didYouMean('captur')?.word).toBe('capture');
    expect(didYouMean('archiveur')?.word).toBe('archiveer');
    expect(didYouMean('zoke')?.word).toBe('zoek');
    expect(didYouMean('banaan')).toBeNull();
  });

  it('guesses the language of a question', () => {
    expect(guessLanguage('Moet ik de berichten van de minister archiveren?')).toBe('nl');
    expect(guessLanguage('Must we archive the posts of the minister?')).toBe('en');
  });

  it('shows a word diff like git --word-diff', () => {
    expect(wordDiff('opent vandaag het loket', 'opent morgen het loket')).toBe(
      'opent [-vandaag-]{+morgen+} het loket',
    );
  });
});

describe('the bot', () => {
  it('answers help in the language of its keyword, unless the channel set a language', async () => {
    expect((await bot.handle(cmd('help'))).text).toMatch(/capture <url>/);
    expect((await bot.handle(cmd('hulp'))).text).toMatch(/archiveer <url>/);
    await bot.handle(cmd('language en', 'U_ARCH', 'C_EN'));
    expect((await bot.handle(cmd('help', 'U_VIEW', 'C_EN'))).text).toMatch(/capture <url>/);
    expect((await bot.handle(cmd('hulp', 'U_VIEW', 'C_EN'))).text).toMatch(/capture <url>/);
    await bot.handle(cmd('taal nl', 'U_ARCH', 'C_NL'));
    expect((await bot.handle(cmd('help', 'U_VIEW', 'C_NL'))).text).toMatch(/archiveer <url>/);
    const one = await bot.handle(cmd('help search', 'U_VIEW', 'C_EN'));
    expect(one.text).toContain('search <words>');
    expect(one.text).toContain('role: viewer');
    // A sub-command's own role is named beside the command's.
    const kb = await bot.handle(cmd('hulp kb'));
    expect(kb.text).toContain('rol: viewer');
    expect(kb.text).toContain('kb goedkeuren: rol expert');
  });

  it('queues a capture for an archivist and acknowledges at once', async () => {
    const reply = await bot.handle(cmd(`archiveer <${m.url}/@minvws/123>`, 'U_ARCH'));
    expect(reply.kind).toBe('ack');
    expect(reply.text).toMatch(/Bezig met archiveren van .*@minvws\/123/);
    expect(queued.at(-1)).toMatchObject({
      url: `${m.url}/@minvws/123`,
      requestedBy: 'slack:U_ARCH',
      lang: 'nl',
    });
  });

  it('refuses a capture to a viewer, naming the role it needs, and refuses bad URLs before queueing', async () => {
    const before = queued.length;
    const refused = await bot.handle(cmd(`capture ${m.url}/@minvws/1`));
    expect(refused.kind).toBe('refused');
    expect(refused.private).toBe(true);
    expect(refused.text).toMatch(/needs the role archivist/);
    const bad = await bot.handle(cmd('capture file:///etc/passwd', 'U_ARCH'));
    expect(bad.kind).toBe('error');
    expect(bad.text).toMatch(/only public http and https addresses/);
    expect(queued.length).toBe(before);
  });

  it('applies roles per channel', async () => {
    expect((await bot.handle(cmd(`capture ${m.url}/@minvws/9`, 'U_CHAN', 'C_OTHER'))).kind).toBe('refused');
    expect((await bot.handle(cmd(`capture ${m.url}/@minvws/9`, 'U_CHAN', 'C_WEBCARE'))).kind).toBe('ack');
  });

  it('shows a post and its history with a readable diff', async () => {
    const show = await bot.handle(cmd(`show ${postId}`));
    expect(show.text).toContain(`Post #${postId}`);
    expect(show.text).toMatch(/Versions: 2/);
    expect(
      show.blocks.some((b) => b.type === 'actions' && b.buttons[0]!.command === `history ${postId}`),
    ).toBe(true);
    const history = await bot.handle(cmd(`geschiedenis ${postId}`));
    expect(history.text).toContain('{+vanaf maandag+}');
    expect(history.text).toMatch(/\bv1\b[\s\S]*\bv2\b/);
  });

  it('searches with filters and pages long results instead of cutting them off', async () => {
    const first = await bot.handle(cmd('search vaccinatie'));
    expect(first.text).toMatch(/Page 1; there are more results/);
    const more = first.blocks
      .flatMap((b) => (b.type === 'actions' ? b.buttons : []))
      .find((b) => b.label === 'More');
    expect(more?.command).toMatch(/page:2/);
    const second = await bot.handle({ ...cmd(''), action: { command: more!.command } });
    const third = await bot.handle({ ...cmd(''), action: { command: 'search vaccinatie page:3' } });
    const ids = (r: typeof first) => [...r.text.matchAll(/#(\d+)/g)].map((x) => x[1]);
    expect(new Set([...ids(first), ...ids(second), ...ids(third)]).size).toBe(12);
    const none = await bot.handle(cmd('zoek vaccinatie sinds:2099-01-01'));
    expect(none.text).toMatch(/Niets gevonden/);
    const badDate = await bot.handle(cmd('search vaccinatie since:gisteren'));
    expect(badDate.kind).toBe('error');
  });

  it('answers an unknown command with "did you mean" and the help line', async () => {
    const r = await bot.handle(cmd('captur https://x.nl'));
    expect(r.kind).toBe('error');
    expect(r.text).toMatch(/Did you mean `capture`|Bedoelde je `capture`/);
    expect(r.text).toMatch(/help <command>|hulp <opdracht>/);
  });

  it('keeps a language per channel', async () => {
    await bot.handle(cmd('taal en', 'U_ARCH', 'C_LANG'));
    expect((await bot.handle(cmd('status', 'U_VIEW', 'C_LANG'))).text).toMatch(/Queue:/);
    await bot.handle(cmd('language nl', 'U_ARCH', 'C_LANG'));
    expect((await bot.handle(cmd('status', 'U_VIEW', 'C_LANG'))).text).toMatch(/Wachtrij:/);
  });

  it('subscribes a channel to alerts and lists and removes them', async () => {
    expect((await bot.handle(cmd('alerts on', 'U_ARCH', 'C_AL'))).text).toMatch(
      /Alerts on in this channel for all watched accounts/,
    );
    expect(
      (await bot.handle(cmd('meldingen aan @minvws@social.overheid.nl', 'U_ARCH', 'C_AL'))).text,
    ).toMatch(/Meldingen aan/);
    expect((await bot.handle(cmd('alerts', 'U_VIEW', 'C_AL'))).text).toMatch(
      /all accounts, @minvws@social.overheid.nl/,
    );
    expect((await bot.handle(cmd('alerts off', 'U_ARCH', 'C_AL'))).text).toMatch(/Alerts off/);
    expect((await bot.handle(cmd('alerts', 'U_VIEW', 'C_AL'))).text).toMatch(/No alerts/);
  });

  it('puts every command, allowed or refused, in the audit log with platform, user, channel and text', async () => {
    await bot.handle(cmd('status', 'U_AUDIT', 'C_AUDIT'));
    await bot.handle(cmd(`capture ${m.url}/@minvws/5`, 'U_AUDIT', 'C_AUDIT'));
    const rows = await archive.db.all<{ actor: string; subject: string; detail: string }>(
      "SELECT actor, subject, detail FROM audit WHERE actor = 'slack:U_AUDIT' ORDER BY id",
    );
    expect(rows.map((r) => r.subject)).toEqual(['status', `capture ${m.url}/@minvws/5`]);
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({
      platform: 'slack',
      user: 'U_AUDIT',
      channel: 'C_AUDIT',
      allowed: true,
    });
    expect(JSON.parse(rows[1]!.detail)).toMatchObject({ allowed: false, needed: 'archivist' });
  });

  it('renders the same reply as Markdown for Mattermost and the shell', async () => {
    const r = await bot.handle(cmd(`show ${postId}`));
    const md = toMarkdown(r);
    expect(md).toMatch(/^\*\*Post #\d+/);
    expect(md).toContain(`history ${postId}`);
  });
});

describe('the knowledge base in chat', () => {
  it('answers a question with its verdict, rules and sources', async () => {
    const r = await bot.handle(
      cmd('Moet ik de berichten van het corporate account van mijn ministerie archiveren?'),
    );
    expect(r.text).toMatch(/^Archiveren/);
    expect(r.text).toMatch(/Regels: R\d+/);
    expect(r.text).toMatch(/Bronnen:\n• .+ — https?:\/\//);
  });

  it('asks the deciding question with buttons, and a button answers it', async () => {
    const r = await bot.handle(cmd('Moet ik dit archiveren?'));
    expect(r.text).toMatch(/^Dat hangt ervan af/);
    expect(r.text).toContain('Is dit een account van het ministerie of een privé-account?');
    const buttons = r.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
    expect(buttons.map((b) => b.label)).toContain('Account van het ministerie (corporate)');
    const corporate = buttons.find((b) => b.label.startsWith('Account van het ministerie'))!;
    expect(corporate.command).toMatch(/^vraag #v[a-z2-7]{8} 1$/);
    const answered = await bot.handle({ ...cmd(''), action: { command: corporate.command } });
    expect(answered.text).toMatch(/^Archiveren/);
    const privé = buttons.find((b) => b.label === 'Privé-account')!;
    expect((await bot.handle({ ...cmd(''), action: { command: privé.command } })).text).toMatch(
      /^Niet archiveren|^Dat hangt ervan af/,
    );
  });

  it('answers "moet ik dit archiveren? <url>" for the archived post', async () => {
    const known = await bot.handle(
      cmd(
        `moet ik dit archiveren? ${m.url}/@minvws/${(await archive.db.get<{ url: string }>('SELECT url FROM post WHERE id = ?', [postId]))!.url.split('/').pop()}`,
      ),
    );
    expect(known.text).toMatch(new RegExp(`Over bericht #${postId} in het archief`));
    const unknown = await bot.handle(cmd(`moet ik dit archiveren? ${m.url}/@minvws/999`));
    expect(unknown.text).toMatch(/nog niet in het archief/);
  });

  it('lets anyone suggest, and only experts approve or reject, with everything in the audit log', async () => {
    const s1 = await bot.handle(
      cmd(
        'kb voorstel Moet ik een livestream archiveren? | Ja, als opname van de overheid. | https://www.nationaalarchief.nl',
      ),
    );
    const id = Number(/#(\d+)/.exec(s1.text)![1]);
    expect((await bot.handle(cmd('kb wachtend'))).text).toContain('livestream');
    const refused = await bot.handle(cmd(`kb goedkeuren ${id}`));
    expect(refused.kind).toBe('refused');
    expect(refused.text).toMatch(/rol expert/);
    expect((await bot.handle(cmd(`kb approve ${id}`, 'U_EXPERT'))).text).toMatch(/is goedgekeurd/);
    expect((await bot.handle(cmd(`kb approve ${id}`, 'U_ADMIN'))).kind).toBe('error');
    const s2 = await bot.handle(cmd('kb suggest Is a like a record? | No. '));
    const id2 = Number(/#(\d+)/.exec(s2.text)![1]);
    expect((await bot.handle(cmd(`kb reject ${id2}`, 'U_EXPERT'))).text).toMatch(/Geef een reden/);
    expect((await bot.handle(cmd(`kb reject ${id2} double of an existing entry`, 'U_EXPERT'))).text).toMatch(
      /is afgewezen/,
    );
    const actions = await archive.db.all<{ action: string }>(
      "SELECT action FROM audit WHERE action LIKE 'kb.%' ORDER BY id",
    );
    expect(actions.map((a) => a.action)).toEqual(['kb.suggest', 'kb.approve', 'kb.suggest', 'kb.reject']);
  });

  it('shows the appraisal stored with a captured post', async () => {
    const r = await bot.handle(cmd(`show ${postId}`));
    expect(r.text).toMatch(/Appraisal: (B|V|not appraised)/);
  });
});

describe('Dutch commands get Dutch answers, also when something is wrong', () => {
  /** English that must not leak into a Dutch answer. */
  const ENGLISH =
    /not a URL|refused|first version|must be a date|failed|blocked|Which|Archiving|unsupported|does not exist|version\(s\)/i;
  let strict: Bot;
  let strictPipeline: CapturePipeline;

  beforeAll(() => {
    const config = loadConfig(t.env);
    // As in production: private and loopback addresses are refused before anything is queued.
    strictPipeline = new CapturePipeline(archive, {
      ...config,
      http: { ...config.http, allowPrivateNetworks: false },
    });
    strict = new Bot({
      archive,
      roles,
      captures: {
        enqueue: async () => ({
          jobId: '7',
          duplicate: true,
          finished: {
            failure: { message: 'https://voorbeeld.nl/x is gone (HTTP 404)', key: 'error.not-found' },
          },
        }),
        counts: async () => ({}),
      },
      checkUrl: (url) => void strictPipeline.resolve(url),
      lookupKeys: (ref) => strictPipeline.lookupKeys(ref),
    });
  });
  afterAll(async () => {
    await strictPipeline.close();
  });

  const dutch = async (text: string) => {
    const r = await strict.handle(cmd(text, 'U_ARCH', 'C_DUTCH'));
    expect(r.text, text).not.toMatch(ENGLISH);
    return r;
  };

  it('archiveer niet-een-url', async () => {
    const r = await dutch('archiveer niet-een-url');
    expect(r.kind).toBe('error');
    expect(r.text).toMatch(/"niet-een-url" kan ik niet archiveren/);
  });

  it('archiveer http://127.0.0.1/x', async () => {
    const r = await dutch('archiveer http://127.0.0.1/x');
    expect(r.kind).toBe('error');
    expect(r.text).toMatch(/archiveer ik niet: alleen openbare http- en https-adressen/);
  });

  it("zoek kust sinds:gisteren (the date checked with the user's own word)", async () => {
    const r = await dutch('zoek kust sinds:gisteren');
    expect(r.kind).toBe('error');
    expect(r.text).toMatch(/^sinds moet een datum zijn zoals 2025-03-01 .*niet "gisteren"/);
    expect((await strict.handle(cmd('search coast since:yesterday'))).text).toMatch(
      /^since must be a date like 2025-03-01/,
    );
  });

  it('a failed capture', async () => {
    const r = await dutch('archiveer https://voorbeeld.nl/x');
    expect(r.kind).toBe('error');
    expect(r.text).toMatch(/^Archiveren van https:\/\/voorbeeld\.nl\/x is mislukt\. .*bestaat niet \(meer\)/);
    // The same failure as the queue reports it in text (`code: message`) reads the same.
    const { captureFailure } = await import('../src/chat/presenters.ts');
    expect(
      captureFailure(
        'https://voorbeeld.nl/x',
        'not-found: https://voorbeeld.nl/x is gone (HTTP 404)',
        'nl',
        false,
      ).text,
    ).toBe(r.text);
  });

  it('the history of a post: changed fields and the first version in Dutch, plurals right', async () => {
    const r = await dutch(`geschiedenis ${postId}`);
    expect(r.text).toMatch(new RegExp(`^Bericht #${postId}: 2 versies`));
    expect(r.text).toMatch(/Veranderd: eerste versie/);
    expect(r.text).toMatch(/Veranderd: tekst/);
    const en = await strict.handle(cmd(`history ${postId}`));
    expect(en.text).toMatch(/Changed: first version/);
    expect(en.text).toMatch(new RegExp(`^Post #${postId}: 2 versions`));
  });

  it('a sub-command declares its role: listing alerts is for viewers, changing them for archivists', async () => {
    expect((await strict.handle(cmd('meldingen', 'U_VIEW', 'C_DUTCH'))).kind).not.toBe('refused');
    const refused = await strict.handle(cmd('meldingen aan', 'U_VIEW', 'C_DUTCH'));
    expect(refused.kind).toBe('refused');
    expect(refused.text).toMatch(/vraagt de rol archivist/);
  });
});
