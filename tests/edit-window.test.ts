/**
 * Issue 17, items 4 and 5: an edit the platform did not date (no edited_at, no /history) is dated by
 * the window it was found in, and a capture that meets the platform's not-found for an archived post
 * marks it deleted with its alert, as the re-checker does.
 */
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertReply, captureFailure } from '../src/chat/presenters.ts';
import { toMarkdown } from '../src/chat/reply.ts';
import type { AlertRow } from '../src/store/monitor.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count, query } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let m: FakeMastodon;
beforeAll(async () => {
  m = await FakeMastodon.start();
});
afterAll(() => m.close());

const now = () => new Date().toISOString();

/**
 * A silent edit, as servers without edited_at make it: the status (and the batch look-up) answer
 * with new content, `edited_at` still null, no edit history.
 */
async function editSilently(id: string, content: string) {
  const status = (await (await fetch(`${m.url}/api/v1/statuses/${id}`)).json()) as Record<string, unknown>;
  const changed = JSON.stringify({ ...status, content, edited_at: null });
  m.failNext(/^\/api\/v1\/statuses$/, { status: 200, body: `[${changed}]` });
  m.failNext(new RegExp(`^/api/v1/statuses/${id}$`), { status: 200, body: changed });
}

function sql(dataDir: string, statements: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path.join(dataDir, 'archiefbot.db'));
    db.exec(statements, (err) => db.close(() => (err ? reject(err) : resolve())));
  });
}

describe('edits without an edit time', () => {
  it('dates a silent edit by the window it was found in: history, show, the alert, sealed evidence', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minocw' });
    const p = m.addStatus({ username: 'minocw', content: '<p>Open dag op 1 maart.</p>' });
    expect((await cli(env, 'capture', p.url)).code).toBe(0);

    // A re-check that finds the text unchanged: the window of a later edit opens after it.
    const beforeFirst = now();
    const first = await cli(env, 'recheck', '--all', '--json');
    const afterFirst = now();
    expect(first.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['unchanged']);

    await editSilently(p.id, '<p>Open dag op 8 maart.</p>');
    const beforeSecond = now();
    const second = await cli(env, 'recheck', '--all', '--json');
    const afterSecond = now();
    expect(second.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['edited']);

    const h = await cli(env, 'history', p.url, '--json');
    expect(h.code, h.stderr).toBe(0);
    const [v1, v2] = h.json.versions;
    expect(v1.validFromLatest).toBeNull();
    expect(v2.text).toBe('Open dag op 8 maart.');
    // (the last check that saw the old text, this check]
    expect(v2.validFrom >= beforeFirst && v2.validFrom <= afterFirst).toBe(true);
    expect(v2.validFromLatest >= beforeSecond && v2.validFromLatest <= afterSecond).toBe(true);
    expect(v2.validFromLatest).toBe(v2.capturedAt);
    // Not the post's creation, as before.
    expect(v2.validFrom).not.toBe(h.json.post.createdAt);

    const text = await cli(env, 'history', p.url);
    expect(text.stdout).toMatch(/v2 edited between \d{4}-\d\d-\d\d \d\d:\d\d and /);
    const shown = await cli(env, 'show', p.url, '--json');
    expect(shown.json.versions[1]).toMatchObject({
      validFrom: v2.validFrom,
      validFromLatest: v2.validFromLatest,
    });
    expect((await cli(env, 'show', p.url)).stdout).toContain('v2 edited between');

    // The edit alert says when: between the two checks.
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    const edited = alerts.find((a: { kind: string }) => a.kind === 'edited');
    expect(edited.detail.editedBetween).toEqual({ from: v2.validFrom, to: v2.validFromLatest });
    const [row] = await query<AlertRow>(dataDir, "SELECT * FROM alert WHERE kind = 'edited'");
    expect(toMarkdown(alertReply(row!, 'nl'))).toMatch(/Bewerkt.*tussen \d{4}-\d\d-\d\d \d\d:\d\d en /);
    expect(toMarkdown(alertReply(row!, 'en'))).toMatch(/Edited.*between .* and /);

    // The window is evidence: sealed with the version row, so verify covers it.
    expect((await cli(env, 'verify')).code).toBe(0);
    await sql(
      dataDir,
      `DROP TRIGGER version_immutable; UPDATE version SET valid_from_latest = '2030-01-01T00:00:00.000Z' WHERE number = 2`,
    );
    const forged = await cli(env, 'verify');
    expect(forged.code).toBe(1);
    expect(forged.stdout + forged.stderr).toMatch(/version \d+ valid_from_latest differs/);
    cleanup();
  });

  it('keeps the exact time of an edit the platform dated', async () => {
    const { env, cleanup } = testEnv();
    m.addAccount({ username: 'minvws' });
    const p = m.addStatus({ username: 'minvws', content: '<p>Griepprik vanaf oktober.</p>' });
    expect((await cli(env, 'capture', p.url)).code).toBe(0);
    m.editStatus(p.id, { content: '<p>Griepprik vanaf september.</p>' });
    const editedAt = (
      (await (await fetch(`${m.url}/api/v1/statuses/${p.id}`)).json()) as { edited_at: string }
    ).edited_at;
    expect((await cli(env, 'recheck', '--all', '--json')).json.outcomes[0].outcome).toBe('edited');
    const v2 = (await cli(env, 'history', p.url, '--json')).json.versions[1];
    expect(v2).toMatchObject({ validFrom: editedAt, validFromLatest: null });
    expect((await cli(env, 'history', p.url)).stdout).not.toContain('edited between');
    const edited = (await cli(env, 'alerts', '--json')).json.alerts.find(
      (a: { kind: string }) => a.kind === 'edited',
    );
    expect(edited.detail.editedAt).toBe(editedAt);
    expect(edited.detail.editedBetween).toBeUndefined();
    cleanup();
  });
});

describe('a capture that finds an archived post gone', () => {
  it('marks it deleted with one alert, and says so; a post not archived just gets the not-found', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minjenv' });
    const p = m.addStatus({ username: 'minjenv', content: '<p>Nieuwe regels voor drones.</p>' });
    const never = m.addStatus({ username: 'minjenv', content: '<p>Nooit gearchiveerd.</p>' });
    expect((await cli(env, 'capture', p.url)).code).toBe(0);
    m.deleteStatus(p.id);
    m.deleteStatus(never.id);

    const gone = await cli(env, 'capture', p.url, '--json');
    expect(gone.code).toBe(1);
    expect(gone.json.error.code).toBe('not-found');
    expect(gone.json.error.message).toContain('marked deleted');
    const show = await cli(env, 'show', p.url, '--json');
    expect(show.json.post.status).toBe('deleted');
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    expect(alerts.map((a: { kind: string }) => a.kind)).toEqual(['deleted']);
    expect(alerts[0].detail.lastVersion.text).toBe('Nieuwe regels voor drones.');
    // The user reads it in their language.
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', p.url);
    expect(nl.code).toBe(1);
    expect(nl.stderr).toContain(
      `gearchiveerde bericht #${show.json.post.id} staat nu als verwijderd gemarkeerd`,
    );
    // Capturing it again raises no second alert.
    expect(await count(dataDir, 'alert')).toBe(1);

    // In chat: the same sentence, from the error the capture job keeps.
    const reply = captureFailure(
      p.url,
      { message: gone.json.error.message, key: 'error.not-found-archived', vars: { id: show.json.post.id } },
      'en',
      false,
    );
    expect(toMarkdown(reply)).toContain(`archived post #${show.json.post.id} is now marked deleted`);

    const other = await cli(env, 'capture', never.url, '--json');
    expect(other.code).toBe(1);
    expect(other.json.error.code).toBe('not-found');
    expect(other.json.error.message).not.toContain('marked deleted');
    expect(await count(dataDir, 'alert')).toBe(1);
    expect((await cli(env, 'verify')).code).toBe(0);
    cleanup();
  });
});
