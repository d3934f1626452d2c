import type { FakeChannel, FakeMattermost, FakePost, FakeUser } from '../fakes/mattermost.ts';
import type { ChatDriver, Harness } from '../helpers/harness.ts';

/** The Mattermost user the harness's roles file makes admin (TEST_ROLES). */
export const MATTERMOST_ADMIN_ID = 'adminuserid0000000000000000';
export const MATTERMOST_VIEWER_ID = 'vieweruserid00000000000000';

export interface MattermostDriver extends ChatDriver {
  /** The people who talk to the bot: `admin` has the admin role, `viewer` the default role. */
  users: { admin: FakeUser; viewer: FakeUser };
  /** The public channel mentions are posted in. */
  channel: FakeChannel;
  /** The post the last `say` created (its id is the thread the answers belong to). */
  lastPost?: FakePost;
}

/**
 * Talks to the Mattermost adapter the way Mattermost delivers messages: a `posted` event on the
 * bot's WebSocket, either a channel post that mentions the bot (`via: 'mention'`, default) or a
 * direct message (`via: 'dm'`). `say` returns the message of every post the bot created in the
 * thread of that post, in order.
 */
export async function startMattermostDriver(
  h: Harness,
  fake: FakeMattermost,
  opts: { via?: 'mention' | 'dm'; channel?: string } = {},
): Promise<MattermostDriver> {
  const via = opts.via ?? 'mention';
  const find = (id: string, username: string) => fake.users.get(id) ?? fake.addUser({ id, username });
  const users = {
    admin: find(MATTERMOST_ADMIN_ID, 'beheerder'),
    viewer: find(MATTERMOST_VIEWER_ID, 'medewerker'),
  };
  const channel = fake.addChannel(opts.channel ?? 'town-square');
  if (!h.running.adapters.has('mattermost')) throw new Error('serve did not start the Mattermost adapter');
  await fake.waitForConnection();

  const driver: MattermostDriver = {
    users,
    channel,
    async say(text, sayOpts = {}) {
      const user = users[sayOpts.user ?? 'viewer'];
      await fake.waitForConnection({ timeoutMs: 15_000 });
      const post =
        via === 'dm'
          ? fake.userPosts(user, fake.directChannel(user), text)
          : fake.userPosts(user, channel, `@${fake.bot.username} ${text}`);
      driver.lastPost = post;
      const answers = () => fake.repliesTo(post.id).map((p) => p.message);
      const until = sayOpts.until;
      await fake.waitFor(
        () => {
          const got = answers();
          return until ? got.some((a) => until.test(a)) : got.length > 0;
        },
        until ? 15_000 : 5_000,
        `an answer to "${text}"${until ? ` matching ${until}` : ''}`,
      );
      // Answers that follow at once (a long reply split into posts) belong to this message too.
      await new Promise((r) => setTimeout(r, 150));
      return answers();
    },
    async close() {},
  };
  return driver;
}
