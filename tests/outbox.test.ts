import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChatAdapter } from '../src/chat/adapter.ts';
import type { ChatPlatform, ReplyTarget } from '../src/chat/chat.ts';
import { Outbox } from '../src/chat/outbox.ts';
import { afterAttempts, watchNotice } from '../src/chat/present-watch.ts';
import { captureFailure } from '../src/chat/presenters.ts';
import { type Reply, textReply } from '../src/chat/reply.ts';

function adapter(
  platform: ChatPlatform,
  send: (target: ReplyTarget, reply: Reply) => Promise<void>,
): ChatAdapter {
  return { platform, start: async () => {}, stop: async () => {}, send };
}

describe('the outbox', () => {
  it('sends through the adapter of the target platform and survives one that throws', async () => {
    const sent: string[] = [];
    const logged: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    const outbox = new Outbox(new Map(), log);
    outbox.register(adapter('slack', async (t, r) => void sent.push(`slack ${t.channel}: ${r.text}`)));
    outbox.register(adapter('teams', async () => Promise.reject(new Error('Teams said 502'))));
    outbox.register(adapter('shell', async (t, r) => void sent.push(`shell ${t.channel}: ${r.text}`)));

    await outbox.notify({ platform: 'teams', channel: 'a:conv-1' }, textReply('een'));
    await outbox.notify({ platform: 'slack', channel: 'C1' }, textReply('twee'));
    await outbox.notify({ platform: 'mattermost', channel: 'm1' }, textReply('drie')); // none here
    await outbox.notify({ platform: 'shell', channel: 'terminal' }, textReply('vier'));

    expect(sent).toEqual(['slack C1: twee', 'shell terminal: vier']);
    expect(logged.join('')).toContain('Teams said 502');
    expect(logged.join('')).toContain('no adapter to send a message');
    expect(outbox.platforms()).toEqual(['slack', 'teams', 'shell']);
  });

  it('uses an adapter added to the shared map later', async () => {
    const adapters = new Map<string, ChatAdapter>();
    const outbox = new Outbox(adapters);
    const sent: string[] = [];
    adapters.set(
      'shell',
      adapter('shell', async (_t, r) => void sent.push(r.text)),
    );
    await outbox.notify({ platform: 'shell', channel: 'terminal' }, textReply('later'));
    expect(sent).toEqual(['later']);
  });
});

describe('watch notices', () => {
  it("say what was secured, in the asker's language, with correct plurals", () => {
    const one = { kind: 'watched', handle: 'minbzk@x', posts: 1, newVersions: 1, everySeconds: 120 } as const;
    expect(watchNotice(one, 'nl').text).toMatch(
      /^minbzk@x wordt gevolgd: 1 bericht veiliggesteld \(1 nieuwe versie\)/,
    );
    expect(watchNotice({ ...one, posts: 3, newVersions: 0 }, 'en').text).toMatch(
      /^Watching minbzk@x: 3 posts secured \(0 new versions\); I look for new posts every 120 s/,
    );
  });

  it('tell a failure with how often it was tried, only when it was tried more than once', () => {
    const error = { message: 'mastodon.example did not answer properly after 5 tries (HTTP 503)' };
    const once = watchNotice(
      { kind: 'watch-failed', input: 'https://mastodon.example/@x', error, attempts: 1 },
      'nl',
    );
    expect(once.kind).toBe('error');
    expect(once.text).toContain('Volgen van https://mastodon.example/@x is mislukt');
    expect(once.text).not.toMatch(/poging/);
    const thrice = watchNotice(
      { kind: 'watch-failed', input: 'https://mastodon.example/@x', error, attempts: 3 },
      'nl',
    );
    expect(thrice.text).toMatch(/Opgegeven na 3 pogingen\.$/);
    const en = watchNotice(
      { kind: 'watch-failed', input: 'https://mastodon.example/@x', error, attempts: 3 },
      'en',
    );
    expect(en.text).toMatch(/^Watching https:\/\/mastodon.example\/@x failed: .*Gave up after 3 attempts\.$/);
  });
});

describe('a capture job that gave up', () => {
  it("says after how many attempts, in the asker's language", () => {
    const error = { message: 'x.example did not answer properly after 5 tries (HTTP 503); try again later' };
    const nl = captureFailure(
      'https://x.example/1',
      afterAttempts(error, 4, 'nl', 'https://x.example/1'),
      'nl',
      false,
    );
    expect(nl.text).toContain('Archiveren van https://x.example/1 is mislukt.');
    expect(nl.text).toContain('Opgegeven na 4 pogingen.');
    const en = captureFailure(
      'https://x.example/1',
      afterAttempts(error, 4, 'en', 'https://x.example/1'),
      'en',
      false,
    );
    expect(en.text).toContain('Gave up after 4 attempts.');
  });
});
