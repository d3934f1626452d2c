import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMrkdwn } from '../src/bots/slack-blocks.ts';
import { startSlackDriver } from './drivers/slack.ts';
import { startTeamsDriver } from './drivers/teams.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeTeamsConnector } from './fakes/teams.ts';
import { query } from './helpers/archive.ts';
import type { ChatDriver, Harness } from './helpers/harness.ts';
import { startHarness } from './helpers/harness.ts';

/** What a Teams message says: its text, or (a card alone) the card's summary. */
// biome-ignore lint/suspicious/noExplicitAny: the fake keeps activities as sent
const teamsText = (a: { body: any }): string => a.body?.text ?? a.body?.summary ?? '';

/**
 * Alerts end to end: serve with Slack and Teams at once, a channel on each subscribed with
 * `alerts on`, a captured post deleted and another edited on the Mastodon fake, and the monitor's
 * check: both channels get one alert each, with what happened, the evidence hash and buttons.
 */
describe('alerts reach every subscribed channel', () => {
  let slack: FakeSlack;
  let teams: FakeTeamsConnector;
  let h: Harness;
  let slackChat: ChatDriver;
  let teamsChat: ChatDriver;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    teams = await FakeTeamsConnector.start();
    h = await startHarness({ ...slack.env(), TEAMS_ENABLED: 'true', NODE_ENV: 'test' });
    slackChat = await startSlackDriver(h, slack);
    teamsChat = await startTeamsDriver(h, teams);
  });
  afterAll(async () => {
    await h.close();
    await slack.close();
    await teams.close();
  });

  it('sends one alert per event to Slack and to Teams, with the content that matters', async () => {
    expect((await slackChat.say('alerts on', { user: 'admin' })).join('\n')).toMatch(
      /Alerts on in this channel/,
    );
    expect((await teamsChat.say('meldingen aan', { user: 'admin' })).join('\n')).toMatch(
      /Meldingen aan in dit kanaal/,
    );
    const edited = h.mastodon.addStatus({
      username: 'minbzk',
      content: '<p>De Woo-termijn is vier weken.</p>',
    });
    await slackChat.say(`capture ${h.post.url}`, { user: 'admin', until: /SHA-256/ });
    await slackChat.say(`capture ${edited.url}`, { user: 'admin', until: /SHA-256/ });
    const ids = await query<{ id: number; url: string }>(h.dataDir, 'SELECT id, url FROM post ORDER BY id');
    const [deletedId, editedId] = [h.post.url, edited.url].map((u) => ids.find((r) => r.url === u)!.id);

    h.mastodon.deleteStatus(h.post.id);
    h.mastodon.editStatus(edited.id, { content: '<p>De Woo-termijn is zes weken.</p>' });
    const before = { slack: slack.posts.length, teams: teams.activities.length };
    await h.running.monitor.checkNow([deletedId!, editedId!], 'test');

    const slackAlert = await slack.waitFor(
      () => slack.posts.slice(before.slack).find((p) => /^Deleted|^Verwijderd/.test(unescapeMrkdwn(p.text))),
      15_000,
      'the deletion alert in Slack',
    );
    const text = unescapeMrkdwn(slackAlert.text);
    expect(text).toContain(`#${deletedId}`);
    expect(text).toContain('Het kabinet publiceert de Woo-jaarrapportage.');
    expect(text).toMatch(/SHA-256: [0-9a-f]{64}/);
    const blocks = JSON.stringify(slackAlert.blocks);
    // The channel's language is Dutch (the default): the buttons run Dutch commands.
    expect(blocks).toContain(`toon ${deletedId}`);
    expect(blocks).toMatch(/meldingen gezien \d+/);

    const teamsAlert = await teams.waitFor(
      (a) => teamsText(a).startsWith('Verwijderd') && teams.activities.indexOf(a) >= before.teams,
    );
    expect(teamsText(teamsAlert)).toContain('Het kabinet publiceert de Woo-jaarrapportage.');
    expect(teamsAlert.conversationId).toBe('a:conv-1');
    expect(teamsAlert.body.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');

    const slackEdit = await slack.waitFor(
      () => slack.posts.slice(before.slack).find((p) => /^Edited|^Bewerkt/.test(unescapeMrkdwn(p.text))),
      15_000,
      'the edit alert in Slack',
    );
    expect(unescapeMrkdwn(slackEdit.text)).toContain('[-vier-]{+zes+}');
    await teams.waitFor(
      (a) => teamsText(a).startsWith('Bewerkt') && teams.activities.indexOf(a) >= before.teams,
    );

    // Checking again, or twice at once, sends nothing new: one alert per event.
    await Promise.all([
      h.running.monitor.rechecker.pass({ all: true }),
      h.running.monitor.rechecker.pass({ all: true }),
    ]);
    await h.running.monitor.deliverSoon();
    await new Promise((r) => setTimeout(r, 500));
    const alertsInSlack = slack.posts
      .slice(before.slack)
      .filter((p) => /^(Deleted|Verwijderd|Edited|Bewerkt)/.test(unescapeMrkdwn(p.text)));
    expect(alertsInSlack).toHaveLength(2);

    // Acknowledged from the chat, and listed with who saw it.
    const ack = await slackChat.say(`alerts ack ${/meldingen gezien (\d+)/.exec(blocks)![1]}`, {
      user: 'admin',
    });
    expect(ack.join('\n')).toMatch(/marked as seen/);
    expect((await slackChat.say('alerts')).join('\n')).toMatch(/seen by slack:U_ADMIN/);
  });
});
