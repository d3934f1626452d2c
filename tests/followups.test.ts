import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../src/chat/bot.ts';
import type { ChatCommand } from '../src/chat/chat.ts';
import { ChatKnowledge } from '../src/chat/knowledge.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { Archive } from '../src/store/archive.ts';
import { followUpId, getFollowUp, saveFollowUp } from '../src/store/followups.ts';
import { testEnv } from './helpers/cli.ts';

/**
 * The knowledge base's follow-up questions are kept in the archive: a button answers the question
 * it was asked for after serve restarted (a second Bot over the same archive file), and ids are random,
 * so two processes never hand out the same one.
 */
let t: ReturnType<typeof testEnv>;

function botOver(archive: Archive): Bot {
  return new Bot({
    archive,
    roles: new Roles({ defaultRole: 'viewer', users: [] }),
    captures: { enqueue: async () => ({ jobId: '1', duplicate: false }), counts: async () => ({}) },
    checkUrl: () => {},
    lookupKeys: () => [],
    knowledge: new ChatKnowledge(),
  });
}

const open = () => {
  const config = loadConfig(t.env);
  return Archive.open(config.dataDir, config.warc);
};

const say = (text: string): ChatCommand => ({
  platform: 'slack',
  user: 'U1',
  channel: 'C1',
  text,
  replyTo: { platform: 'slack', channel: 'C1' },
});

beforeAll(() => {
  t = testEnv();
});
afterAll(() => t.cleanup());

describe('follow-up questions', () => {
  it('are answered after a restart for the question they were asked for', async () => {
    const first = await open();
    const asked = await botOver(first).handle(say('Moet ik dit archiveren?'));
    expect(asked.text).toMatch(/^Dat hangt ervan af/);
    const buttons = asked.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
    const corporate = buttons.find((b) => b.label.startsWith('Account van het ministerie'))!;
    const privé = buttons.find((b) => b.label === 'Privé-account')!;
    expect(corporate.command).toMatch(/^vraag #v[a-z2-7]{8} 1$/);
    // Another question in between, in the old process: its follow-up must not take the place of ours.
    await botOver(first).handle(say('Moet ik reacties archiveren?'));
    await first.close();

    const second = await open();
    try {
      const bot = botOver(second);
      const answered = await bot.handle({ ...say(''), action: { command: corporate.command } });
      expect(answered.kind).not.toBe('error');
      expect(answered.text).toMatch(/^Archiveren/);
      const other = await bot.handle({ ...say(''), action: { command: privé.command } });
      expect(other.text).toMatch(/^Niet archiveren|^Dat hangt ervan af/);
    } finally {
      await second.close();
    }
  });

  it('answer an unknown or forgotten id clearly, in the language of the command', async () => {
    const archive = await open();
    try {
      const bot = botOver(archive);
      const nl = await bot.handle(say('vraag #vzzzzzzzz 1'));
      expect(nl.kind).toBe('error');
      expect(nl.text).toBe('Die vervolgvraag ken ik niet (meer); stel je vraag opnieuw.');
      const en = await bot.handle(say('ask #v3 2'));
      expect(en.text).toBe("I don't know that follow-up question (any more); please ask again.");
    } finally {
      await archive.close();
    }
  });

  it('get random ids that do not collide, and keep question, facts, options and language', async () => {
    const ids = new Set(Array.from({ length: 1000 }, followUpId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[a-z2-7]{8}$/);
    const archive = await open();
    try {
      const id = await saveFollowUp(archive.db, {
        question: 'Moet ik dit archiveren?',
        facts: { platform: 'mastodon' },
        options: [{ account: 'corporate' }, { account: 'private' }],
        lang: 'nl',
      });
      expect(await getFollowUp(archive.db, id.toUpperCase())).toMatchObject({
        id,
        question: 'Moet ik dit archiveren?',
        facts: { platform: 'mastodon' },
        options: [{ account: 'corporate' }, { account: 'private' }],
        lang: 'nl',
      });
      expect(await getFollowUp(archive.db, 'nothere1')).toBeUndefined();
    } finally {
      await archive.close();
    }
  });
});
