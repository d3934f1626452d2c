import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../src/kb/index.ts';
import { Archive } from '../src/store/archive.ts';
import { answerOpen, approveAnswer, recordOpen, retireEntry } from '../src/store/community.ts';
import { approveEntry, suggestEntry } from '../src/store/knowledge.ts';
import { archiveDir, evalCommunity, formatCommunity, isEntry } from './kb/eval-community.ts';

const SUGGESTED = 'Wie beheert het socialemedia-archief van BZK?';
const SUGGESTED_ANSWER = 'Het team Informatiebeheer van de directie CIO Rijk, via archief@minbzk.nl.';
const OPEN_Q = 'Welk telefoonnummer heeft de Woo-helpdesk?';
const EXPERT_ANSWER = 'De Woo-helpdesk is bereikbaar op 070 123 45 67, op werkdagen van 9 tot 17 uur.';
const RETIRED_ANSWER = 'Het oude archiefteam zat op de derde verdieping van gebouw B.';
const PENDING_ANSWER = 'Het budget voor de webarchivering komt uit de post Informatievoorziening.';
const EVAL = fileURLToPath(new URL('./kb/eval.ts', import.meta.url));

let dir: string;

/** A small archive: an approved suggestion, an expert's approved answer, a retired entry, a pending one. */
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-eval-community-'));
  const archive = await Archive.open(dir, { rotateBytes: 1 << 30, operator: 'test' });
  try {
    const db = archive.db;
    const at = '2026-11-20T10:00:00.000Z';
    const s = await suggestEntry(
      db,
      { question: SUGGESTED, answer: SUGGESTED_ANSWER, author: 'slack:U_ANNA', language: 'nl' },
      at,
    );
    await approveEntry(db, s.id, 'teams:bob', '2026-11-21T09:00:00.000Z');
    const { open } = await recordOpen(
      db,
      {
        question: OPEN_Q,
        language: 'nl',
        asker: 'slack:U_CARLA',
        target: null,
        verdict: 'unknown',
        entries: [],
        reason: 'unknown',
        topic: 'woo',
        attempt: { verdict: 'unknown', answer: '', entries: [] },
      },
      at,
    );
    const { entry } = await answerOpen(db, open.id, { answer: EXPERT_ANSWER }, { by: 'teams:anna' }, at);
    await approveAnswer(db, entry.id, { by: 'slack:U_BOB' }, '2026-11-22T08:00:00.000Z');
    const r = await suggestEntry(
      db,
      {
        question: 'Waar zit het archiefteam?',
        answer: RETIRED_ANSWER,
        author: 'slack:U_ANNA',
        language: 'nl',
      },
      at,
    );
    await approveEntry(db, r.id, 'teams:bob', at);
    await retireEntry(db, r.id, 'verhuisd', { by: 'slack:U_LEAD' }, at);
    await suggestEntry(
      db,
      {
        question: 'Waar komt het budget voor webarchivering vandaan?',
        answer: PENDING_ANSWER,
        author: 'teams:bob',
        language: 'nl',
      },
      at,
    );
  } finally {
    await archive.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eval:kb evaluates the archive’s approved community entries on their own', () => {
  it('asks every entry in use, plain, after a context sentence and within greetings, and finds it attributed', async () => {
    const r = await evalCommunity(dir);
    expect(r).toMatchObject({
      archive: dir,
      entries: 2,
      suggestions: 1,
      expertAnswers: 1,
      found: 2,
      alone: 2,
      context: { total: 2, found: 2 },
      greetings: { total: 2, found: 2 },
      misses: [],
    });
    expect(formatCommunity(r)).toContain(
      'community entries (' +
        dir +
        '): 2, found 2 (100.0%), with context 2/2 (100.0%), with greetings 2/2 (100.0%)',
    );
    expect(formatCommunity(r)).toContain("1 approved suggestions, 1 experts' answers");
  });

  it('counts an answer as the entry only when it names, quotes and attributes it', () => {
    const entry = {
      id: 7,
      question: SUGGESTED,
      answer: SUGGESTED_ANSWER,
      author: 'slack:U_ANNA',
      reviewer: 'teams:bob',
      reviewedAt: '2026-11-21T09:00:00.000Z',
    };
    // Without the entry loaded the knowledge base does not give it.
    expect(isEntry(ask(SUGGESTED), entry)).toBe(false);
    const withIt = ask(SUGGESTED, { community: [entry] });
    expect(isEntry(withIt, entry)).toBe(true);
    // The same words without the approver and date are not attributed.
    expect(isEntry({ ...withIt, answer: SUGGESTED_ANSWER }, entry)).toBe(false);
  });

  it('says there is none without an archive, and never creates one', async () => {
    const none = await evalCommunity(null);
    expect(none.archive).toBeNull();
    expect(formatCommunity(none)).toMatch(/^community entries: none \(no archive/);
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-eval-empty-'));
    try {
      expect((await evalCommunity(emptyDir)).archive).toBeNull();
      expect((await import('node:fs')).existsSync(path.join(emptyDir, 'archiefbot.db'))).toBe(false);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
    expect(archiveDir(['--archive', '/a'], { ARCHIEFBOT_DATA_DIR: '/b' })).toBe('/a');
    expect(archiveDir([], { ARCHIEFBOT_DATA_DIR: '/b' })).toBe('/b');
    expect(archiveDir([], {})).toBeNull();
    expect(() => archiveDir(['--archive'], {})).toThrow(/data directory/);
  });

  it('npm run eval:kb -- --set community --json reports the section from ARCHIEFBOT_DATA_DIR', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', EVAL, '--set', 'community', '--json'],
      { env: { ...process.env, ARCHIEFBOT_DATA_DIR: dir }, timeout: 120_000 },
    );
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['community']);
    expect(report.community).toMatchObject({
      entries: 2,
      found: 2,
      context: { found: 2 },
      greetings: { found: 2 },
    });
  }, 150_000);
});
