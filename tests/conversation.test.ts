import { afterAll, describe, expect, it } from 'vitest';
import { startMattermostDriver } from './drivers/mattermost.ts';
import { startShellDriver } from './drivers/shell.ts';
import { startSlackDriver } from './drivers/slack.ts';
import { startTeamsDriver } from './drivers/teams.ts';
import { FakeMattermost } from './fakes/mattermost.ts';
import { FakeSlack } from './fakes/slack.ts';
import { FakeTeamsConnector } from './fakes/teams.ts';
import { type ChatDriver, type Harness, startHarness } from './helpers/harness.ts';

/**
 * One scripted conversation on all four adapters, each in a direct message with the bot (Teams: the
 * personal chat): each runs against its own `serve` (own Redis,
 * archive and Mastodon fake), and every answer must say the same thing everywhere, once the
 * platform's markup, the loopback ports, the times and the WARC file names are set aside.
 */
const script = (postUrl: string): { who: 'admin' | 'viewer'; text: string; until?: RegExp }[] => [
  { who: 'viewer', text: 'help' },
  { who: 'admin', text: `capture ${postUrl}`, until: /SHA-256/ },
  { who: 'viewer', text: 'show 1' },
  { who: 'viewer', text: 'search Woo-jaarrapportage' },
  { who: 'viewer', text: `capture ${postUrl}` },
  { who: 'viewer', text: 'captur https://example.org/x' },
];

/** The platform-neutral content of an answer: no markup, ports, times or file names. */
function normalise(answers: string[]): string {
  return answers
    .join('\n')
    .replace(/^\[[^\]\n]+\] [^·\n]+( · \[[^\]\n]+\] [^·\n]+)*$/gm, '') // Mattermost/shell: buttons as label + command
    .replace(/^\[([^\]\n]+)\]\((\S+)\)$/gm, '$1: $2') // Mattermost: a link button as a Markdown link
    .replace(/127\.0\.0\.1:\d+/g, 'HOST')
    .replace(/\/login\?token=\S+/g, '/login?token=TOKEN') // the viewer link: a token signed for each asker
    .replace(/\b(r\d+)-[0-9a-f]{6}\b/g, '$1') // a chat request's job id: its number and a random tail
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?( UTC|Z)?/g, 'TIME')
    .replace(/archiefbot-[\w-]+\.warc\.gz @ \d+/g, 'WARC')
    .replace(/[*_`~]/g, '')
    .replace(/^\s*(>|-)\s+/gm, '')
    .replace(/^-{3,}$/gm, '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

interface Platform {
  name: string;
  start(): Promise<{ h: Harness; driver: ChatDriver; close: () => Promise<void> }>;
}

const platforms: Platform[] = [
  {
    name: 'shell',
    async start() {
      const h = await startHarness({});
      const driver = await startShellDriver(h);
      return {
        h,
        driver,
        close: async () => {
          await driver.close();
          await h.close();
        },
      };
    },
  },
  {
    name: 'slack',
    async start() {
      const fake = await FakeSlack.start();
      const h = await startHarness(fake.env());
      const driver = await startSlackDriver(h, fake, { via: 'dm' });
      return {
        h,
        driver,
        close: async () => {
          await h.close();
          await fake.close();
        },
      };
    },
  },
  {
    name: 'teams',
    async start() {
      const fake = await FakeTeamsConnector.start();
      const h = await startHarness({ TEAMS_ENABLED: 'true', NODE_ENV: 'test' });
      const driver = await startTeamsDriver(h, fake);
      return {
        h,
        driver,
        close: async () => {
          await h.close();
          await fake.close();
        },
      };
    },
  },
  {
    name: 'mattermost',
    async start() {
      const fake = await FakeMattermost.start({ botToken: 'bot-token' });
      const h = await startHarness({ MATTERMOST_URL: fake.url, MATTERMOST_TOKEN: 'bot-token' });
      const driver = await startMattermostDriver(h, fake, { via: 'dm' });
      return {
        h,
        driver,
        close: async () => {
          await h.close();
          await fake.close();
        },
      };
    },
  },
];

const transcripts = new Map<string, string[]>();

describe('one conversation, four adapters', () => {
  afterAll(() => {
    transcripts.clear();
  });

  for (const platform of platforms) {
    it(`runs the script on ${platform.name}`, async () => {
      const { h, driver, close } = await platform.start();
      try {
        const out: string[] = [];
        for (const step of script(h.post.url)) {
          // The shell has one user, the operator (admin): its refusal step is played by roles, below.
          if (platform.name === 'shell' && step.who === 'viewer' && step.text.startsWith('capture')) {
            out.push('(shell is always the operator)');
            continue;
          }
          out.push(normalise(await driver.say(step.text, { user: step.who, until: step.until })));
        }
        transcripts.set(platform.name, out);
        // What every platform must have said, whatever its markup.
        expect(out[0]).toMatch(/capture <url>/);
        expect(out[1]).toMatch(/Archiving http:\/\/HOST\/@minbzk\/\d+ \(job r1\)/);
        expect(out[1]).toMatch(/SHA-256: [0-9a-f]{64}/);
        expect(out[2]).toMatch(/Woo-jaarrapportage/);
        // A direct message (Teams: the personal chat; the terminal) is the asker's alone: their sign-in link.
        expect(out[2]).toMatch(/Open in browser: http:\/\/HOST\/archive\/login\?token=TOKEN/);
        expect(out[3]).toMatch(/#1 /);
        if (platform.name !== 'shell') expect(out[4]).toMatch(/needs the role archivist/);
        expect(out[5]).toMatch(/Bedoelde je capture\?/);
      } finally {
        await close();
      }
    });
  }

  it('gives the same answers on every platform', () => {
    const [first, ...rest] = platforms.map((p) => p.name);
    const reference = transcripts.get(first!)!;
    expect(reference).toBeDefined();
    for (const name of rest) {
      const other = transcripts.get(name)!;
      expect(other, `${name} ran the script`).toBeDefined();
      other.forEach((answer, i) => {
        if (reference[i] === '(shell is always the operator)' || answer === '(shell is always the operator)')
          return;
        expect(answer, `${name}, step ${i + 1}, against ${first}`).toBe(reference[i]);
      });
    }
    // The refusal is compared among the three platforms that have users.
    expect(transcripts.get('teams')![4]).toBe(transcripts.get('slack')![4]);
    expect(transcripts.get('mattermost')![4]).toBe(transcripts.get('slack')![4]);
  });
});
