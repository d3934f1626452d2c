import type { TeamsAdapter } from '../../src/bots/teams.ts';
import type { FakeTeamsConnector } from '../fakes/teams.ts';
import type { ChatDriver, Harness } from '../helpers/harness.ts';

/** The Teams users of the scripted conversations (TEST_ROLES makes 29:admin-user an admin). */
export const TEAMS_USERS = {
  admin: { id: '29:admin-user', name: 'Anna Admin' },
  viewer: { id: '29:viewer-user', name: 'Vera Viewer' },
} as const;

export const BOT_ACCOUNT = { id: '28:archiefbot-app', name: 'Archiefbot' };

export interface ActivityOptions {
  id: string;
  serviceUrl: string;
  text?: string;
  /** Action.Submit data (a button press). */
  value?: Record<string, unknown>;
  from?: { id: string; name?: string; aadObjectId?: string };
  conversationId?: string;
  conversationType?: 'personal' | 'groupChat' | 'channel';
  entities?: Record<string, unknown>[];
  type?: string;
}

/** An Activity as the Teams channel posts it to the bot's messaging endpoint. */
export function teamsActivity(o: ActivityOptions): Record<string, unknown> {
  const conversationId = o.conversationId ?? 'a:conv-1';
  return {
    type: o.type ?? 'message',
    id: o.id,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: o.serviceUrl,
    from: o.from ?? TEAMS_USERS.viewer,
    recipient: BOT_ACCOUNT,
    conversation: {
      id: conversationId,
      conversationType: o.conversationType ?? 'personal',
      tenantId: 'tenant-1',
      ...(o.conversationType === 'channel' || o.conversationType === 'groupChat' ? { isGroup: true } : {}),
    },
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'nl-NL',
    ...(o.text !== undefined ? { text: o.text, textFormat: 'plain' } : {}),
    ...(o.value ? { value: o.value } : {}),
    ...(o.entities ? { entities: o.entities } : {}),
  };
}

/** POSTs an activity to serve's /api/messages; returns the HTTP status and body. */
export async function postActivity(
  port: number,
  activity: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * Teams, driven the way the Teams channel does it: each `say` POSTs a message activity from
 * 29:admin-user or 29:viewer-user to serve's /api/messages and returns the text of every activity the
 * bot sent to the fake connector in reply to it, in order.
 */
export async function startTeamsDriver(h: Harness, fake: FakeTeamsConnector): Promise<ChatDriver> {
  const adapter = h.running.adapters.get('teams') as TeamsAdapter | undefined;
  if (!adapter) throw new Error('serve started no Teams adapter (set TEAMS_ENABLED=true)');
  let seq = 0;
  return {
    async say(text, opts = {}) {
      const id = `driver-${Date.now()}-${++seq}`;
      const from = TEAMS_USERS[opts.user ?? 'viewer'];
      const res = await postActivity(
        h.running.port,
        teamsActivity({ id, text, from, serviceUrl: fake.serviceUrl }),
      );
      if (res.status !== 200) throw new Error(`/api/messages answered ${res.status}: ${res.body}`);
      // One activity per answer, the card; its summary is the plain text a user reads.
      const texts = () => fake.repliesTo(id).map((a) => String(a.body.summary ?? a.body.text ?? ''));
      const deadline = Date.now() + (opts.until ? 15_000 : 5_000);
      for (;;) {
        await adapter.idle();
        const got = texts();
        if (got.length && (!opts.until || got.some((t) => opts.until!.test(t)))) return got;
        if (Date.now() > deadline) throw new Error(`no answer to "${text}" (got: ${JSON.stringify(got)})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await adapter.idle();
    },
  };
}
