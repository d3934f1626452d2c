import { CaptureError } from '../../domain/errors.ts';
import type { NormalisedPost } from '../../domain/types.ts';
import type { Connector, PostSource, PostTarget, Target, Thread } from '../connector.ts';
import { pageInfo } from '../html.ts';
import type { HttpSession } from '../http.ts';
import { METHODS } from '../methods.ts';

/** The fallback for any other http(s) URL: the page itself and its direct images, method `web`. */
export class WebConnector implements Connector, PostSource {
  readonly platform = 'web' as const;
  readonly method = METHODS.web;

  match(url: URL): Target | null {
    return url.protocol === 'http:' || url.protocol === 'https:' ? { kind: 'post', url: url.href } : null;
  }

  lookupKeys(url: URL): string[] {
    const u = new URL(url.href);
    u.hash = '';
    return [u.href];
  }

  async fetchThread(target: PostTarget, http: HttpSession): Promise<Thread> {
    const res = await http.get(target.url, {
      purpose: 'page',
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
    });
    const host = new URL(res.url).host;
    const vars = { url: res.url, host, status: res.status };
    if (res.status === 404 || res.status === 410)
      throw new CaptureError('not-found', `${res.url} is gone (HTTP ${res.status})`, false, vars);
    if (res.status === 401 || res.status === 403) {
      throw new CaptureError(
        'unavailable',
        `${host} refuses to show ${res.url} without login (HTTP ${res.status})`,
        false,
        vars,
      );
    }
    if (res.status >= 400) {
      throw new CaptureError(
        'platform-error',
        `${host} answered HTTP ${res.status} for ${res.url}`,
        false,
        vars,
      );
    }
    const type = res.headers.get('content-type') ?? '';
    const isHtml = /html/i.test(type) || (!type && /^\s*</.test(res.body.subarray(0, 100).toString('utf8')));
    const info = isHtml
      ? pageInfo(res.body.toString('utf8'), res.url)
      : {
          title: decodeURIComponent(new URL(res.url).pathname.split('/').pop() || host),
          text: '',
          author: null,
          publishedAt: null,
          images: [],
        };
    const pageUrl = new URL(target.url);
    pageUrl.hash = '';
    const post: NormalisedPost = {
      platform: 'web',
      platformId: pageUrl.href,
      url: pageUrl.href,
      apiRef: res.url,
      account: {
        platform: 'web',
        handle: pageUrl.host,
        platformId: null,
        displayName: info.author,
        url: `${pageUrl.protocol}//${pageUrl.host}/`,
      },
      kind: 'page',
      parentPlatformId: null,
      createdAt: info.publishedAt,
      editedAt: null,
      content: {
        text: info.text,
        html: null,
        title: info.title,
        spoilerText: '',
        sensitive: false,
        visibility: null,
        language: null,
        media: info.images.map((img) => ({
          key: img.url,
          url: img.url,
          type: 'image',
          description: img.alt,
        })),
      },
      counts: {},
      history: null,
      sourceUrl: res.url,
    };
    return { post, ancestors: [], replies: [] };
  }
}
