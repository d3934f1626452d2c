import { CaptureError } from '../../domain/errors.ts';
import type { Connector, Target } from '../connector.ts';

/** What Archiefbot captures today, for the refusal's `supported` (the catalogue sentence names it per language). */
const SUPPORTED = 'Mastodon, Bluesky, YouTube, X, Facebook, Instagram, Threads, LinkedIn, web pages';

/** Platforms that have no connector yet: their display name and their hosts (subdomains included). */
const UNSUPPORTED_PLATFORMS: { name: string; hosts: string[] }[] = [
  { name: 'TikTok', hosts: ['tiktok.com'] },
];

/** The platform a URL belongs to, when it is one without a connector. */
function unsupportedPlatform(url: URL): string | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const found = UNSUPPORTED_PLATFORMS.find((p) => p.hosts.some((h) => host === h || host.endsWith(`.${h}`)));
  return found?.name ?? null;
}

/**
 * Refuses the URLs of platforms Archiefbot cannot capture yet, instead of letting the web fallback
 * archive their login wall as a page. It captures nothing: its `match` throws. The registry puts it
 * before every other connector (Mastodon matches `/@name` on any host, which is also the profile
 * path of Threads, TikTok and YouTube); a real connector for one of these platforms goes before it.
 */
export class UnsupportedPlatforms implements Connector {
  match(url: URL): Target | null {
    const platform = unsupportedPlatform(url);
    if (!platform) return null;
    throw new CaptureError(
      'unsupported-platform',
      `${platform} is not supported yet (${url.href}); Archiefbot captures ${SUPPORTED}`,
      false,
      { platform, url: url.href, supported: SUPPORTED },
    );
  }
}
