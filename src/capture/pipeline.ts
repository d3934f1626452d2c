import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { CaptureError } from '../domain/errors.ts';
import type { NormalisedPost, Trigger } from '../domain/types.ts';
import { appraise, type PostFacts, roleOfAccount } from '../kb/index.ts';
import type { Archive, IngestInput, IngestResult } from '../store/archive.ts';
import { saveAppraisals } from '../store/knowledge.ts';
import { latestVersion } from '../store/latest-version.ts';
import { archivedPosts, recordLoss } from '../store/monitor.ts';
import { findPostId } from '../store/queries.ts';
import {
  type AccountHandle,
  type AccountPage,
  type AccountSource,
  type AccountTarget,
  type Connector,
  type ConnectorFactory,
  canCheckPosts,
  canFetchPosts,
  canListAccounts,
  type PostSource,
  type PostTarget,
  type Thread,
} from './connector.ts';
import { type Exchange, HttpClient, type HttpSession } from './http.ts';
import { CONNECTOR_FACTORIES } from './registry.ts';
import { checkUrl } from './ssrf.ts';

export interface CaptureRequest {
  url: string;
  trigger: Trigger;
  requestedBy?: string | null;
  channel?: string | null;
  /** Leave the replies out (a re-check that only needs the new version); default: with replies. */
  withoutReplies?: boolean;
  /**
   * `browser`: render the page in headless Chromium (`capture <url> --method browser`). Absent: the
   * platform's connector; the browser when the platform has no configured connector or the post was
   * captured with the browser before.
   */
  method?: 'browser';
}

export interface PostCaptureOutcome {
  kind: 'post';
  captureId: number;
  post: {
    id: number;
    platform: string;
    url: string;
    author: string;
    createdAt: string | null;
    text: string;
    status: string;
  };
  version: number;
  newVersion: boolean;
  replies: number;
  media: number;
  warc: { file: string; offset: number; length: number };
  sha256: string;
  method: string;
}

export interface BackfillProgress {
  posts: number;
  total: number | null;
  pages: number;
}

export interface BackfillOutcome {
  kind: 'account';
  captureId: number;
  account: { platform: string; handle: string; url: string | null; displayName: string | null };
  posts: number;
  newVersions: number;
  media: number;
  pages: number;
  resumed: boolean;
  complete: boolean;
}

export type CaptureOutcome = PostCaptureOutcome | BackfillOutcome;

/** Which connector takes a URL, and as what: a post to a post source, an account to an account source. */
export type Resolved =
  | { kind: 'post'; connector: Connector & PostSource; target: PostTarget }
  | { kind: 'account'; connector: Connector & AccountSource; target: AccountTarget };

export interface CaptureOptions {
  onProgress?: (p: BackfillProgress) => void;
  /** Checked between pages of a backfill; true stops after the page in hand is saved. */
  shouldStop?: () => boolean;
}

const MEDIA_CONCURRENCY = 4;

/** The platform's not-found for a post the archive holds: the post is now marked deleted. */
export class ArchivedPostGone extends CaptureError {
  constructor(
    cause: CaptureError,
    readonly postId: number,
  ) {
    super('not-found', `${cause.message}; archived post #${postId} is marked deleted`, false, {
      ...cause.vars,
      id: postId,
    });
  }

  override get key(): string {
    return 'error.not-found-archived';
  }
}

/**
 * Capture: URL → connector → recorded HTTP exchanges → normalised posts → archive (WARC + SQLite).
 * The CLI runs it in-process; the queue worker runs the very same code.
 */
export class CapturePipeline {
  readonly http: HttpClient;
  readonly connectors: Connector[];

  constructor(
    readonly archive: Archive,
    readonly config: Config,
    readonly log?: Logger,
    factories: ConnectorFactory[] = CONNECTOR_FACTORIES,
  ) {
    this.http = new HttpClient(config.http, log);
    // In the registry's order: the first connector that matches a URL takes it.
    this.connectors = factories.map((f) => f.create(config, archive?.db));
  }

  async close(): Promise<void> {
    for (const c of this.connectors) await (c as { close?: () => Promise<void> }).close?.();
    await this.http.close();
  }

  /** The browser method's connector (registry line `browser`), when registered. */
  private get browser(): (Connector & PostSource & { available(): boolean }) | undefined {
    return this.connectors.find(
      (c): c is Connector & PostSource & { available(): boolean } =>
        canFetchPosts(c) && c.method.id === 'browser' && 'available' in c,
    );
  }

  /**
   * Whether a failure means "capture it with the browser instead": a platform with no configured
   * connector (not-configured) or none at all (unsupported-platform), when Chromium is installed.
   * Otherwise the error stands (it names the variable to set and the browser alternative).
   */
  private fallsBackToBrowser(err: unknown, req: CaptureRequest): boolean {
    return (
      err instanceof CaptureError &&
      (err.code === 'not-configured' || err.code === 'unsupported-platform') &&
      req.method === undefined &&
      Boolean(this.browser?.available())
    );
  }

  /** A page the archive holds from a browser capture is captured with the browser again (like with like). */
  private async capturedWithBrowser(resolved: Resolved): Promise<boolean> {
    if (resolved.kind !== 'post' || resolved.connector.platform !== 'web' || !this.browser) return false;
    const [id] = resolved.connector.lookupKeys(new URL(resolved.target.url));
    if (!id || !this.archive?.db) return false;
    return (await latestVersion(this.archive.db, 'web', id))?.method === 'browser';
  }

  /** Captures a URL as a page rendered by the browser (the SSRF guard checks it first, as `resolve` does). */
  private async captureWithBrowser(
    req: CaptureRequest,
    who: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
  ): Promise<PostCaptureOutcome> {
    try {
      const browser = this.browser;
      if (!browser) throw new CaptureError('unsupported-url', 'the browser method is not registered', false);
      let url: URL;
      try {
        url = new URL(req.url.trim());
      } catch {
        throw new CaptureError('unsupported-url', `not a URL: "${req.url}"`, false, { url: req.url });
      }
      checkUrl(url, this.config.http.allowPrivateNetworks, this.config.http.allowHosts);
      return await this.capturePost(browser, { kind: 'post', url: url.href }, who, 0);
    } catch (err) {
      await this.archive.recordFailure(who, (err as Error).message);
      throw err;
    }
  }

  /**
   * Which connector takes this input, and as what; a clear error for anything that is not a URL we
   * may fetch, a platform that is not supported yet, or a target its platform cannot capture.
   */
  resolve(input: string): Resolved {
    const text = input.trim();
    let urlText = text;
    for (const c of this.connectors) urlText = c.normaliseInput?.(urlText) ?? urlText;
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      throw new CaptureError(
        'unsupported-url',
        `not a URL: "${text}" (give a full https:// link to a post or account)`,
        false,
        { url: text },
      );
    }
    checkUrl(url, this.config.http.allowPrivateNetworks, this.config.http.allowHosts);
    for (const connector of this.connectors) {
      const target = connector.match(url);
      if (!target) continue;
      if (target.kind === 'post' && canFetchPosts(connector)) return { kind: 'post', connector, target };
      if (target.kind === 'account' && canListAccounts(connector))
        return { kind: 'account', connector, target };
      const what = target.kind === 'post' ? 'posts' : 'accounts';
      throw new CaptureError(
        'unsupported-url',
        `${url.href}: ${what} of this platform cannot be captured yet`,
        false,
        { url: url.href },
      );
    }
    throw new CaptureError('unsupported-url', `no connector handles ${url.href}`, false, { url: url.href });
  }

  /** Lets the connectors that ask the network what a URL is on (Connector.probe) do so before `resolve`. */
  private async probe(input: string): Promise<void> {
    if (!URL.canParse(input.trim())) return;
    const url = new URL(input.trim());
    for (const c of this.connectors) await c.probe?.(url, this.http);
  }

  /** The archive ids a URL names, without network access (for `show <url>`). */
  lookupKeys(input: string): string[] {
    try {
      const resolved = this.resolve(input);
      const url = resolved.target.url;
      return [...(resolved.kind === 'post' ? resolved.connector.lookupKeys(new URL(url)) : []), url];
    } catch {
      return [];
    }
  }

  async capture(req: CaptureRequest, opts: CaptureOptions = {}): Promise<CaptureOutcome> {
    const who = {
      url: req.url,
      trigger: req.trigger,
      requestedBy: req.requestedBy ?? null,
      channel: req.channel ?? null,
    };
    if (req.method === 'browser') return this.captureWithBrowser(req, who);
    let resolved: Resolved;
    try {
      await this.probe(req.url);
      resolved = this.resolve(req.url);
    } catch (err) {
      if (this.fallsBackToBrowser(err, req)) return this.captureWithBrowser(req, who);
      await this.archive.recordFailure(who, (err as Error).message);
      throw err;
    }
    if (resolved.kind === 'account') return this.backfill(resolved.connector, resolved.target, who, opts);
    if (await this.capturedWithBrowser(resolved)) return this.captureWithBrowser(req, who);
    try {
      return await this.capturePost(
        resolved.connector,
        resolved.target,
        who,
        req.withoutReplies ? 0 : this.config.capture.maxReplies,
      );
    } catch (err) {
      if (this.fallsBackToBrowser(err, req)) return this.captureWithBrowser(req, who);
      await this.archive.recordFailure(who, (err as Error).message);
      throw err;
    }
  }

  /**
   * Appraises the posts a capture gives new versions (waardering B/V by the knowledge base's rules),
   * stored with them in the same transaction. The main post's text is read for hints (hotspot,
   * private content); replies and bulk pages are appraised from platform, kind and the account's
   * role, which is fast enough for thousands of posts (reading the text costs about a millisecond).
   */
  private readonly appraiser: IngestInput['appraise'] = (post, role, accountRole) =>
    appraise({
      platform: post.platform,
      kind: post.kind,
      accountRole: roleOfAccount(accountRole),
      ...(role === 'main' ? { text: post.content.text } : {}),
    });

  /**
   * Appraises an account's posts again after its role changed (watch --role, config/accounts.yaml):
   * the appraisal follows the account's role, which a backfill does not know yet.
   */
  async reappraiseAccount(accountId: number): Promise<number> {
    const db = this.archive.db;
    const rows = await db.all<{ id: number; platform: string; kind: string; role: string | null }>(
      'SELECT p.id, p.platform, p.kind, a.role FROM post p JOIN account a ON a.id = p.account_id WHERE a.id = ?',
      [accountId],
    );
    const appraisals = rows.map((r) => ({
      postId: r.id,
      appraisal: appraise({
        platform: r.platform,
        kind: r.kind as PostFacts['kind'],
        accountRole: roleOfAccount(r.role),
      }),
    }));
    for (let i = 0; i < appraisals.length; i += 5000) {
      await db.transaction(() => saveAppraisals(db, appraisals.slice(i, i + 5000)));
    }
    return appraisals.length;
  }

  /**
   * Downloads every media file the posts list (once per URL, and not again when the session has it
   * already: the browser fetched the page's images); a file that fails is noted, not fatal.
   */
  private async downloadMedia(posts: NormalisedPost[], http: HttpSession): Promise<void> {
    const have = new Set(http.exchanges.filter((e) => e.status < 300).map((e) => e.url));
    const urls = [
      ...new Set(
        posts
          .flatMap((p) => [p.content, ...(p.history ?? []).map((h) => h.content)])
          .flatMap((c) => c.media.map((m) => m.url)),
      ),
    ].filter((url) => /^https?:/i.test(url) && !have.has(url));
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        try {
          await http.get(url, { purpose: 'media' });
        } catch (err) {
          this.log?.warn({ url, err: (err as Error).message }, 'media not captured');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(MEDIA_CONCURRENCY, urls.length) }, worker));
  }

  private async capturePost(
    connector: Connector & PostSource,
    target: PostTarget,
    who: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
    maxReplies: number,
  ): Promise<PostCaptureOutcome> {
    const http = this.http.session();
    let thread: Thread;
    try {
      thread = await connector.fetchThread(target, http, { maxReplies });
    } catch (err) {
      throw await this.markGone(connector, target, err, http.exchanges);
    }
    const all = [thread.post, ...thread.ancestors, ...thread.replies];
    await this.downloadMedia(all, http);
    const { method } = connector;
    const result = await this.archive.ingest({
      ...who,
      appraise: this.appraiser,
      // What this capture missed besides what its method always misses (blocked requests, a cut screenshot).
      method: thread.misses?.length ? { ...method, misses: [...method.misses, ...thread.misses] } : method,
      exchanges: http.exchanges,
      resources: thread.resources,
      posts: [
        ...thread.ancestors.map((post) => ({ post, role: 'ancestor' as const })),
        { post: thread.post, role: 'main' as const },
        ...thread.replies.map((post) => ({ post, role: 'reply' as const })),
      ],
    });
    return this.postOutcome(result, thread.post, thread.replies.length, connector);
  }

  /**
   * The platform's documented not-found (a connector's CaptureError 'not-found') for a post the
   * archive holds, on a platform the monitor re-checks: the post is marked deleted and its alert
   * raised, exactly as the re-checker does (once: a post already marked deleted raises none). Returns
   * the error to report: the not-found, saying so when the archived post is marked deleted.
   */
  private async markGone(
    connector: Connector & PostSource,
    target: PostTarget,
    err: unknown,
    exchanges: Exchange[],
  ): Promise<unknown> {
    if (!(err instanceof CaptureError) || err.code !== 'not-found' || !canCheckPosts(connector)) return err;
    const db = this.archive.db;
    const id = await findPostId(db, target.url, connector.lookupKeys(new URL(target.url)));
    const [post] = id === undefined ? [] : await archivedPosts(db, [id]);
    if (!post) return err;
    if (post.status !== 'deleted')
      await recordLoss(this.archive, post, { state: 'deleted', reason: err.message, exchanges });
    this.log?.info({ post: post.id, url: target.url }, 'archived post gone: marked deleted');
    return new ArchivedPostGone(err, post.id);
  }

  private postOutcome(
    result: IngestResult,
    post: NormalisedPost,
    replies: number,
    connector: PostSource,
  ): PostCaptureOutcome {
    const main = result.posts.find((p) => p.role === 'main')!;
    return {
      kind: 'post',
      captureId: result.captureId,
      post: {
        id: main.postId,
        platform: post.platform,
        url: post.url,
        author: post.account.handle,
        createdAt: post.createdAt,
        text: post.content.title ? `${post.content.title}\n\n${post.content.text}`.trim() : post.content.text,
        status: main.status === 'edited' ? 'edited' : 'live',
      },
      version: main.version,
      newVersion: main.newVersions > 0,
      replies,
      media: post.content.media.length,
      warc: { file: main.evidence.file, offset: main.evidence.offset, length: main.evidence.length },
      sha256: main.contentHash,
      method: connector.method.id,
    };
  }

  /**
   * A watched account's new posts: pages from the newest down until a page holds only posts the
   * archive already has (or `maxPages`), each page ingested as it comes. Cheaper than a backfill;
   * edits to older posts are the re-checker's job.
   */
  async pollAccount(
    url: string,
    who: { requestedBy?: string | null; channel?: string | null } = {},
    maxPages = 10,
  ): Promise<{ account: string; newPosts: number; pages: number }> {
    const resolved = this.resolve(url);
    if (resolved.kind !== 'account') {
      throw new CaptureError('unsupported-url', `${url} is not an account this tool can watch`, false, {
        url,
      });
    }
    const { connector, target } = resolved;
    const first = this.http.session();
    const handle = await connector.openAccount(target, first);
    let cursor: string | null = null;
    let carry = first.exchanges;
    let newPosts = 0;
    let pages = 0;
    const followed = new Set<string>();
    while (pages < maxPages) {
      const http = this.http.session();
      const page: AccountPage = await connector.listAccount(handle, http, cursor);
      pages++;
      const known = await this.archive.knownPosts(
        connector.platform,
        page.posts.map((p) => p.platformId),
      );
      const fresh = page.posts.filter((p) => !known.has(p.platformId));
      if (fresh.length) {
        await this.downloadMedia(fresh, http);
        await this.archive.ingest({
          appraise: this.appraiser,
          url,
          trigger: 'watch',
          requestedBy: who.requestedBy ?? 'monitor',
          channel: who.channel ?? null,
          method: connector.method,
          exchanges: [...carry, ...http.exchanges],
          posts: fresh.map((post) => ({ post, role: 'account' as const })),
        });
        carry = [];
        newPosts += fresh.length;
      }
      if (fresh.length < page.posts.length || !page.next) break;
      if (pointsBack(page, followed)) {
        // Only new posts are wanted here; the backfill reports a platform that pages in a circle.
        this.log?.warn({ url, cursor: page.next }, 'account poll stopped: the next page was read before');
        break;
      }
      cursor = page.next;
    }
    return { account: handle.account.handle, newPosts, pages };
  }

  /** "Secure everything once": every post the platform serves for an account, page by page, resumable. */
  private async backfill(
    connector: AccountSource,
    target: AccountTarget,
    who: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
    opts: CaptureOptions,
  ): Promise<BackfillOutcome> {
    const first = this.http.session();
    let handle: AccountHandle;
    try {
      handle = await connector.openAccount(target, first);
    } catch (err) {
      await this.archive.recordFailure(who, (err as Error).message);
      throw err;
    }
    const state = await this.archive.startBackfill(
      connector.platform,
      handle.account.handle,
      target.url,
      handle.total,
      who,
    );
    const totals = { posts: state.posts, newVersions: 0, media: 0, pages: state.pages };
    let cursor = state.cursor;
    let complete = false;
    let carry = first.exchanges;
    // The cursors this run has followed: a platform that sends one again would page in a circle.
    const followed = new Set<string>(cursor === null ? [] : [cursor]);
    const maxPages = this.config.capture.maxPagesPerRun;
    let pagesThisRun = 0;
    // While one page is written, the next is already on its way: HTTP overlaps the archive's work.
    const fetchPage = async (from: string | null): Promise<{ page: AccountPage; http: HttpSession }> => {
      const http = this.http.session();
      const page = await connector.listAccount(handle, http, from);
      await this.downloadMedia(page.posts, http);
      return { page, http };
    };
    let pending: Promise<{ page: AccountPage; http: HttpSession }> | null = fetchPage(cursor);
    try {
      while (!complete && pending) {
        const fetched: { page: AccountPage; http: HttpSession } = await pending;
        const { page, http } = fetched;
        pagesThisRun++;
        const repeated = pointsBack(page, followed);
        // Past the page cap the run ends here, incomplete; the next run resumes from the saved cursor.
        const more = page.next !== null && !repeated && pagesThisRun < maxPages && !opts.shouldStop?.();
        pending = more ? fetchPage(page.next) : null;
        pending?.catch(() => {}); // its failure is handled when it is awaited
        const result = await this.archive.ingest({
          ...who,
          appraise: this.appraiser,
          captureId: state.captureId,
          method: connector.method,
          exchanges: [...carry, ...http.exchanges],
          posts: page.posts.map((post) => ({ post, role: 'account' as const })),
          backfill: { id: state.id, cursor: page.next, done: page.next === null },
        });
        carry = [];
        totals.posts += result.posts.length;
        totals.newVersions += result.newVersions;
        totals.media += result.media.stored + result.media.revisits;
        totals.pages += 1;
        cursor = page.next;
        complete = page.next === null;
        opts.onProgress?.({ posts: totals.posts, total: handle.total, pages: totals.pages });
        if (repeated) throw repeatedCursor(target.url, page.next!, pagesThisRun);
        if (!complete && opts.shouldStop?.()) break;
      }
    } catch (err) {
      await this.archive.finishCapture(
        state.captureId,
        'failed',
        { posts: totals.posts },
        (err as Error).message,
      );
      throw err;
    }
    const capped = !complete && pagesThisRun >= maxPages;
    await this.archive.finishCapture(
      state.captureId,
      complete || capped ? 'done' : 'failed',
      {
        posts: totals.posts,
        newVersions: totals.newVersions,
        complete,
        ...(capped ? { pageCap: maxPages } : {}),
      },
      complete || capped ? undefined : 'interrupted; run the same capture again to resume',
    );
    return {
      kind: 'account',
      captureId: state.captureId,
      account: {
        platform: connector.platform,
        handle: handle.account.handle,
        url: handle.account.url,
        displayName: handle.account.displayName,
      },
      ...totals,
      resumed: state.resumed,
      complete,
    };
  }
}

/**
 * Whether a page's next-page cursor (or `Link: rel="next"`) leads back to a page already read in
 * this run (`followed`: the cursors followed so far, which this call extends), so following it
 * would page in a circle.
 */
function pointsBack(page: AccountPage, followed: Set<string>): boolean {
  if (page.self !== undefined) followed.add(page.self);
  if (page.next === null) return false;
  if (followed.has(page.next)) return true;
  followed.add(page.next);
  return false;
}

/**
 * A platform that sends a next-page cursor (or `Link: rel="next"`) already followed pages in a circle
 * (a self-referencing link made a 5-post backfill read 38,960 pages); the backfill stops instead.
 * `url`: the account's URL; `pages`: pages read (and kept) in this run.
 */
function repeatedCursor(url: string, cursor: string, pages: number): CaptureError {
  const host = new URL(url).host;
  return new CaptureError(
    'bad-response',
    `${host} sent a next-page cursor that was followed before (${cursor}) after ${pages} ` +
      `${pages === 1 ? 'page' : 'pages'} of ${url}; ` +
      'the backfill stopped rather than read the same pages again',
    false,
    { url, host, detail: 'repeated cursor' },
  );
}
