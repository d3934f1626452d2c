/**
 * The demo's government accounts: a ministry on a Mastodon server and on Bluesky, with posts, images,
 * replies from citizens and an edit history — the kind of material Archiefbot keeps as records.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { FakeBluesky } from './platforms/bluesky.ts';
import type { FakeMastodon } from './platforms/mastodon.ts';

/** A real PNG of one colour with a band of another (so the media differ and replay shows them). */
export function png(
  width: number,
  height: number,
  rgb: [number, number, number],
  band: [number, number, number],
) {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    const colour = y > height / 3 && y < (2 * height) / 3 ? band : rgb;
    for (let x = 0; x < width; x++) row.set(colour, 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BLUE: [number, number, number] = [21, 66, 115];
const ORANGE: [number, number, number] = [227, 114, 34];
const WHITE: [number, number, number] = [255, 255, 255];

export interface DemoPost {
  /** The number the demo's `demo edit <n>` / `demo delete <n>` use. */
  n: number;
  platform: 'mastodon' | 'bluesky';
  url: string;
  /** The fake's own id (Mastodon status id, Bluesky AT-URI). */
  id: string;
  text: string;
}

export interface DemoData {
  mastodonAccount: string;
  blueskyAccount: string;
  posts: DemoPost[];
}

const hoursAgo = (h: number, now: number) => new Date(now - h * 3_600_000).toISOString();

/** Fills the two demo platforms; returns the accounts' URLs and the numbered posts. */
export function seedDemo(mastodon: FakeMastodon, bluesky: FakeBluesky, now = Date.now()): DemoData {
  const posts: DemoPost[] = [];
  const ministry = mastodon.addAccount({
    username: 'minbzk',
    displayName: 'Ministerie van BZK',
    note: 'Het ministerie van Binnenlandse Zaken en Koninkrijksrelaties.',
  });
  mastodon.addAccount({ username: 'pjansen', displayName: 'Piet Jansen' });
  mastodon.addAccount({ username: 'fatima', displayName: 'Fatima el Amrani' });
  const m = (
    text: string,
    h: number,
    extra: Parameters<FakeMastodon['addStatus']>[0] extends infer A ? Partial<A> : never = {},
  ) => {
    const s = mastodon.addStatus({
      username: 'minbzk',
      content: `<p>${text}</p>`,
      createdAt: hoursAgo(h, now),
      ...extra,
    });
    posts.push({ n: posts.length + 1, platform: 'mastodon', url: s.url, id: s.id, text });
    return s;
  };
  const passport = m(
    'Vanaf vandaag kunt u uw paspoort ook op donderdagavond aanvragen bij uw gemeente.',
    30,
    {
      media: [
        {
          bytes: png(320, 180, BLUE, WHITE),
          contentType: 'image/png',
          description: 'Een paspoort op een blauwe achtergrond',
        },
      ],
    },
  );
  mastodon.addStatus({
    username: 'pjansen',
    content: '<p>Geldt dit ook voor een rijbewijs?</p>',
    inReplyToId: passport.id,
    createdAt: hoursAgo(29, now),
  });
  mastodon.addStatus({
    username: 'fatima',
    content: '<p>Eindelijk! Dat scheelt een vrije middag.</p>',
    inReplyToId: passport.id,
    createdAt: hoursAgo(28, now),
  });
  const inclusion = m(
    'Het kabinet investeert 50 miljoen euro in digitale inclusie: hulp bij DigiD in elke bibliotheek.',
    20,
  );
  mastodon.editStatus(inclusion.id, {
    content:
      '<p>Het kabinet investeert 50 miljoen euro in digitale inclusie: hulp bij DigiD in elke openbare bibliotheek.</p>',
  });
  posts[posts.length - 1]!.text =
    'Het kabinet investeert 50 miljoen euro in digitale inclusie: hulp bij DigiD in elke openbare bibliotheek.';
  m('Let op: er gaan phishingmails rond uit naam van DigiD. Klik niet op links in zulke mails.', 6);
  m('Woo-verzoek ingediend? Zo maken wij documenten openbaar, stap voor stap.', 2, {
    media: [
      {
        bytes: png(320, 180, ORANGE, WHITE),
        contentType: 'image/png',
        description: 'Stappenplan Woo-verzoek',
      },
    ],
  });

  bluesky.addAccount({ handle: 'minbzk.bsky.social', displayName: 'Ministerie van BZK' });
  bluesky.addAccount({ handle: 'burger.bsky.social', displayName: 'Een burger' });
  const b = (text: string, h: number, images?: Parameters<FakeBluesky['addPost']>[0]['images']) => {
    const p = bluesky.addPost({ handle: 'minbzk.bsky.social', text, createdAt: hoursAgo(h, now), images });
    const url = `https://bsky.app/profile/minbzk.bsky.social/post/${p.rkey}`;
    posts.push({ n: posts.length + 1, platform: 'bluesky', url, id: p.uri, text });
    return p;
  };
  const elections = b(
    'De Tweede Kamerverkiezingen zijn op 29 oktober. Controleer of uw stempas binnen is.',
    26,
    [{ bytes: png(320, 180, ORANGE, BLUE), mimeType: 'image/png', alt: 'Een stembus' }],
  );
  bluesky.addPost({
    handle: 'burger.bsky.social',
    text: 'Mijn stempas is nog niet binnen, wat nu?',
    replyTo: elections.uri,
    createdAt: hoursAgo(25, now),
  });
  b('Nieuw: de Staat van het Bestuur 2026 is verschenen.', 4);
  return {
    mastodonAccount: ministry.url,
    blueskyAccount: 'https://bsky.app/profile/minbzk.bsky.social',
    posts,
  };
}
