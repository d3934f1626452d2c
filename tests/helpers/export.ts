/**
 * What the export tests share: a small captured archive (an account with an edited post, a post with
 * an image, a post with a citizen's reply that names personal data), and an independent ZIP reader.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { FakeMastodon } from '../fakes/mastodon.ts';
import { cli, testEnv } from './cli.ts';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5fb5a6a0000000049454e44ae426082',
  'hex',
);

export interface Captured {
  m: FakeMastodon;
  env: ReturnType<typeof testEnv>;
  accountUrl: string;
  posts: { url: string; text: string }[];
  replyText: string;
  close: () => Promise<void>;
}

/** An account "rvo" captured whole (backfill), one post edited and captured again, one reply by a citizen. */
export async function capturedAccount(extraEnv: Record<string, string> = {}): Promise<Captured> {
  const m = await FakeMastodon.start();
  const account = m.addAccount({ username: 'rvo', displayName: 'Rijksdienst voor Ondernemend Nederland' });
  m.addAccount({ username: 'janjansen', displayName: 'Jan Jansen' });
  const p1 = m.addStatus({ username: 'rvo', content: '<p>Subsidieregeling energiebesparing geopend</p>' });
  const p2 = m.addStatus({
    username: 'rvo',
    content: '<p>Nieuwe folder over exportkredieten</p>',
    media: [{ bytes: PNG, contentType: 'image/png', description: 'voorkant folder' }],
  });
  const p3 = m.addStatus({ username: 'rvo', content: '<p>Vragen over de regeling? Reageer hieronder</p>' });
  const replyText = 'Ik heb een vraag, bel me op 06-12345678 of mail jan.jansen@example.org';
  m.addStatus({ username: 'janjansen', content: `<p>${replyText}</p>`, inReplyToId: p3.id });
  const env = testEnv(extraEnv);
  const first = await cli(env.env, 'capture', account.url, '--json');
  if (first.code !== 0) throw new Error(`capture failed: ${first.stderr}`);
  for (const p of [p1, p3]) await cli(env.env, 'capture', p.url, '--json');
  m.editStatus(p1.id, { content: '<p>Subsidieregeling energiebesparing gesloten</p>' });
  await cli(env.env, 'capture', p1.url, '--json');
  return {
    m,
    env,
    accountUrl: account.url,
    posts: [
      { url: p1.url, text: 'Subsidieregeling energiebesparing gesloten' },
      { url: p2.url, text: 'Nieuwe folder over exportkredieten' },
      { url: p3.url, text: 'Vragen over de regeling? Reageer hieronder' },
    ],
    replyText,
    close: async () => {
      await m.close();
      env.cleanup();
    },
  };
}

/** A fresh Ed25519 seal key in a file outside the data directory (ARCHIEFBOT_SEAL_KEY). */
export function sealKeyFile(dir: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const file = path.join(dir, 'seal-key.pem');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

export interface ZipItem {
  data: Buffer;
  compressionMethod: number;
}

/** Every entry of a ZIP, read with yauzl (not the code that wrote it). */
export function readZip(file: string): Promise<Map<string, ZipItem>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, ZipItem>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, {
              data: Buffer.concat(chunks),
              compressionMethod: entry.compressionMethod,
            });
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
