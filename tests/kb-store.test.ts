import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suggestEntry } from '../src/kb/community.ts';
import { appraise, ask, factsFromPost } from '../src/kb/index.ts';
import type { Archive } from '../src/store/archive.ts';
import { Archive as ArchiveClass } from '../src/store/archive.ts';
import { verifyAuditChain } from '../src/store/audit.ts';
import {
  approvedEntries,
  approveEntry,
  getAppraisal,
  getEntry,
  KnowledgeError,
  pendingEntries,
  rejectEntry,
  saveAppraisal,
} from '../src/store/knowledge.ts';
import { testEnv } from './helpers/cli.ts';

describe('appraisal of captured posts', () => {
  it('maps an archived post to the facts the rules use', () => {
    expect(factsFromPost({ platform: 'mastodon', kind: 'post', accountRole: 'corporate' })).toEqual({
      platform: 'mastodon',
      account: 'corporate',
      author: 'organisation',
      content: 'post',
    });
    expect(factsFromPost({ platform: 'bluesky', kind: 'reply', accountRole: 'other' })).toMatchObject({
      author: 'third-party',
      content: 'comment',
    });
    expect(
      factsFromPost({ platform: 'bluesky', kind: 'reply', accountRole: null, authorIsOrganisation: true }),
    ).toMatchObject({
      account: 'corporate',
      content: 'webcare',
    });
    expect(factsFromPost({ platform: 'web', kind: 'page', accountRole: null })).toEqual({
      platform: 'web',
      content: 'webpage',
    });
  });

  it('answers "moet ik dit archiveren? <url>" for an archived post', () => {
    const q = 'moet ik dit archiveren?';
    expect(
      ask(q, { facts: factsFromPost({ platform: 'mastodon', kind: 'post', accountRole: 'corporate' }) })
        .verdict,
    ).toBe('archive');
    expect(
      ask(q, { facts: factsFromPost({ platform: 'mastodon', kind: 'post', accountRole: 'bewindspersoon' }) })
        .rules,
    ).toContain('R3');
    expect(
      ask(q, { facts: factsFromPost({ platform: 'bluesky', kind: 'reply', accountRole: 'other' }) }).verdict,
    ).toBe('depends');
    const unknownRole = ask(q, {
      facts: factsFromPost({ platform: 'mastodon', kind: 'post', accountRole: null }),
    });
    expect(unknownRole.verdict).toBe('depends');
    expect(unknownRole.followUp).toMatch(/account van het ministerie/);
  });

  it('appraises B, V or not at all, with the rule, the term and the inference flag', () => {
    const corporate = appraise({
      platform: 'mastodon',
      kind: 'post',
      accountRole: 'corporate',
      text: 'Nieuwe regeling',
    });
    expect(corporate).toMatchObject({ valuation: 'B', rule: 'R2', termYears: null, inference: true });
    expect(corporate.basis.length).toBeGreaterThan(0);
    expect(appraise({ platform: 'mastodon', kind: 'post', accountRole: 'bewindspersoon' })).toMatchObject({
      valuation: 'B',
      rule: 'R3',
    });
    expect(appraise({ platform: 'mastodon', kind: 'reply', accountRole: 'corporate' })).toMatchObject({
      valuation: 'V',
      rule: 'R10',
      inference: true,
    });
    expect(appraise({ platform: 'mastodon', kind: 'repost', accountRole: 'corporate' })).toMatchObject({
      valuation: 'B',
      rule: 'R17',
    });
    expect(appraise({ platform: 'bluesky', kind: 'reply', accountRole: 'other' })).toMatchObject({
      valuation: null,
      rule: 'R9',
    });
    expect(appraise({ platform: 'bluesky', kind: 'post', accountRole: 'other' })).toMatchObject({
      valuation: null,
      rule: 'R1',
    });
    expect(appraise({ platform: 'mastodon', kind: 'post', accountRole: 'official' })).toMatchObject({
      valuation: null,
      rule: 'R5',
    });
    const unknown = appraise({ platform: 'mastodon', kind: 'post', accountRole: null });
    expect(unknown).toMatchObject({ valuation: null, rule: null });
    expect(unknown.reason).toMatch(/role/);
  });

  it('reads the text: a hotspot is kept, a minister’s private post goes to a person', () => {
    expect(
      appraise({
        platform: 'mastodon',
        kind: 'reply',
        accountRole: 'corporate',
        text: 'Update over de overstroming in Limburg',
      }),
    ).toMatchObject({ valuation: 'B', rule: 'R12', inference: false });
    expect(
      appraise({
        platform: 'mastodon',
        kind: 'post',
        accountRole: 'bewindspersoon',
        text: 'Fijne vakantie met het gezin!',
      }),
    ).toMatchObject({ valuation: null, rule: 'R4' });
    expect(
      appraise({
        platform: 'mastodon',
        kind: 'post',
        accountRole: 'corporate',
        text: 'De vergunning is verleend.',
      }).reason,
    ).toMatch(/R11/);
  });
});

describe('the knowledge store (migration 3)', () => {
  let archive: Archive;
  let cleanup: () => void;
  beforeEach(async () => {
    const t = testEnv();
    cleanup = t.cleanup;
    archive = await ArchiveClass.open(t.dataDir, { rotateBytes: 1e9, operator: '' });
  });
  afterEach(async () => {
    await archive.close();
    cleanup();
  });

  it('stores suggestions as pending, approves and rejects them, each change audited', async () => {
    const db = archive.db;
    const a = await suggestEntry(db, {
      question: '  Moeten Teams-chats van de SG bewaard worden? ',
      answer: 'Ja, 5 tot 10 jaar (ambtelijke top).',
      source: 'https://www.acoi.nl/adviezen/chatberichten/',
      author: 'alice',
    });
    const b = await suggestEntry(db, {
      question: 'Do we archive Snapchat?',
      answer: 'Yes, like every platform.',
      author: 'carol',
    });
    expect(a).toMatchObject({
      id: 1,
      status: 'pending',
      language: 'nl',
      question: 'Moeten Teams-chats van de SG bewaard worden?',
    });
    expect(b.language).toBe('en');
    expect((await pendingEntries(db)).map((e) => e.id)).toEqual([1, 2]);

    const approved = await approveEntry(db, 1, 'bob', '2026-03-01T10:00:00.000Z');
    expect(approved).toMatchObject({
      status: 'approved',
      reviewer: 'bob',
      reviewedAt: '2026-03-01T10:00:00.000Z',
    });
    const rejected = await rejectEntry(db, 2, 'bob', 'dubbel met R13');
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'dubbel met R13' });
    expect(await pendingEntries(db)).toEqual([]);
    expect(await approvedEntries(db)).toEqual([
      {
        id: 1,
        question: 'Moeten Teams-chats van de SG bewaard worden?',
        answer: 'Ja, 5 tot 10 jaar (ambtelijke top).',
        source: 'https://www.acoi.nl/adviezen/chatberichten/',
        language: 'nl',
        author: 'alice',
        reviewer: 'bob',
        reviewedAt: '2026-03-01T10:00:00.000Z',
      },
    ]);

    const audit = await db.all<{ actor: string; action: string; subject: string; detail: string }>(
      "SELECT actor, action, subject, detail FROM audit WHERE action LIKE 'kb.%' ORDER BY id",
    );
    expect(audit.map((r) => [r.actor, r.action, r.subject])).toEqual([
      ['alice', 'kb.suggest', 'kb:1'],
      ['carol', 'kb.suggest', 'kb:2'],
      ['bob', 'kb.approve', 'kb:1'],
      ['bob', 'kb.reject', 'kb:2'],
    ]);
    expect(JSON.parse(audit[3]!.detail)).toMatchObject({ reason: 'dubbel met R13' });
    expect((await verifyAuditChain(db)).problems).toEqual([]);
  });

  it('refuses unknown ids, a second review and empty text, and changes nothing then', async () => {
    const db = archive.db;
    await suggestEntry(db, { question: 'q?', answer: 'a.', author: 'alice' });
    await approveEntry(db, 1, 'bob');
    const auditBefore = (await db.get<{ n: number }>('SELECT count(*) AS n FROM audit'))!.n;
    await expect(approveEntry(db, 9, 'bob')).rejects.toMatchObject({
      code: 'not-found',
      message: 'There is no knowledge-base entry #9.',
    });
    await expect(approveEntry(db, 1, 'bob')).rejects.toMatchObject({ code: 'already-reviewed' });
    await expect(rejectEntry(db, 1, 'bob', 'te laat')).rejects.toThrow(/already approved by bob/);
    await expect(rejectEntry(db, 1, 'bob', '  ')).rejects.toBeInstanceOf(KnowledgeError);
    await expect(suggestEntry(db, { question: ' ', answer: 'a', author: 'x' })).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(suggestEntry(db, { question: 'q', answer: 'a'.repeat(5000), author: 'x' })).rejects.toThrow(
      /too long/,
    );
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM audit'))!.n).toBe(auditBefore);
    expect((await getEntry(db, 1))!.status).toBe('approved');
  });

  it('stores the appraisal of a post and replaces it on re-appraisal', async () => {
    const db = archive.db;
    await db.run(
      "INSERT INTO post (id, platform, platform_id, url, kind, first_seen, last_seen) VALUES (1, 'mastodon', 'x', 'https://h/@a/1', 'post', 't', 't')",
    );
    expect(await getAppraisal(db, 1)).toBeUndefined();
    const first = appraise({ platform: 'mastodon', kind: 'post', accountRole: 'corporate' });
    await saveAppraisal(db, 1, first, '2026-01-01T00:00:00.000Z');
    expect(await getAppraisal(db, 1)).toEqual({ ...first, postId: 1, at: '2026-01-01T00:00:00.000Z' });
    const second = appraise({ platform: 'mastodon', kind: 'post', accountRole: null });
    await saveAppraisal(db, 1, second, '2026-01-02T00:00:00.000Z');
    expect(await getAppraisal(db, 1)).toMatchObject({
      valuation: null,
      rule: null,
      inference: false,
      basis: [],
    });
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM appraisal'))!.n).toBe(1);
    // the schema holds only B, V or nothing
    await expect(
      db.run(
        "INSERT INTO appraisal (post_id, valuation, inference, reason, at) VALUES (1, 'X', 0, 'r', 't')",
      ),
    ).rejects.toThrow(/CHECK constraint/);
  });

  it('feeds approved entries to ask() with attribution', async () => {
    const db = archive.db;
    await suggestEntry(db, {
      question: 'Hoe vaak harvesten we het intranet van de directie?',
      answer: 'Elk kwartaal, door team DIV.',
      author: 'alice',
    });
    const q = 'Hoe vaak wordt het intranet van de directie geharvest?';
    expect(ask(q, { community: await approvedEntries(db) }).verdict).toBe('unknown');
    await approveEntry(db, 1, 'bob', '2026-05-05T12:00:00.000Z');
    const a = ask(q, { community: await approvedEntries(db) });
    expect(a.verdict).toBe('info');
    expect(a.answer).toContain('Elk kwartaal');
    expect(a.answer).toContain('goedgekeurd door bob op 2026-05-05');
  });
});
