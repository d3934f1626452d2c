import { unescapeMrkdwn } from '../../src/bots/slack-blocks.ts';
import type { FakeSlack, SlackPost } from '../fakes/slack.ts';
import type { ChatDriver, Harness } from '../helpers/harness.ts';

/** The Slack users of the scripted conversations (TEST_ROLES makes U_ADMIN an admin; others are viewers). */
export const SLACK_USERS = { admin: 'U_ADMIN', viewer: 'U_VIEWER' } as const;

export interface SlackDriverOptions {
  /** How a line reaches the bot: an app mention in a channel (default) or a direct message. */
  via?: 'mention' | 'dm';
  /** The channel (mention) or DM channel the conversation happens in. */
  channel?: string;
}

/**
 * Slack as a ChatDriver: every `say` is a new message to the bot (an app_mention in a channel, or a
 * direct message), sent signed to the harness's /slack/events; the answers are the bot's
 * chat.postMessage / chat.postEphemeral / response_url messages in that message's thread, as the
 * plain text a Slack user reads (`text` with Slack's escaping undone). The harness must have been
 * started with `fake.env()`.
 */
export async function startSlackDriver(
  h: Harness,
  fake: FakeSlack,
  opts: SlackDriverOptions = {},
): Promise<ChatDriver> {
  const via = opts.via ?? 'mention';
  const channel = opts.channel ?? (via === 'dm' ? 'D_CONVERSATION' : 'C_CONVERSATION');
  const endpoint = `http://127.0.0.1:${h.running.port}/slack/events`;
  if (!h.running.adapters.has('slack'))
    throw new Error('the harness runs no Slack adapter: start it with fake.env()');
  return {
    async say(text, sayOpts = {}) {
      const user = SLACK_USERS[sayOpts.user ?? 'viewer'];
      const event =
        via === 'dm' ? fake.directMessage({ user, channel, text }) : fake.mention({ user, channel, text });
      const answers = () =>
        fake.posts.filter((p: SlackPost) => p.channel === channel && p.thread_ts === event.ts);
      const res = await fake.event(endpoint, event);
      if (res.status !== 200) throw new Error(`Slack event refused: ${res.status} ${res.body}`);
      const plain = () => answers().map((p) => unescapeMrkdwn(p.text));
      if (sayOpts.until) {
        const until = sayOpts.until;
        await fake.waitFor(
          () => plain().some((t) => until.test(t)),
          15_000,
          `an answer to "${text}" matching ${until}`,
        );
        return plain();
      }
      await fake.waitFor(() => answers().length > 0, 5_000, `an answer to "${text}"`);
      // One command gets one answer; a short quiet spell catches a second one, should there be one.
      let seen = answers().length;
      for (;;) {
        await new Promise((r) => setTimeout(r, 150));
        const now = answers().length;
        if (now === seen) break;
        seen = now;
      }
      return plain();
    },
    async close() {
      // The fake and the harness belong to the caller.
    },
  };
}
