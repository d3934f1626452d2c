import type { z } from 'zod';
import type { Config } from '../config.ts';
import { CaptureError } from '../domain/errors.ts';
import type { AccountInfo, CaptureMethod, NormalisedPost, Platform, PostContent } from '../domain/types.ts';
import type { Db } from '../store/db.ts';
import type { IngestResource } from '../store/ingest/types.ts';
import type { HttpClient, HttpSession } from './http.ts';

export interface PostTarget {
  kind: 'post';
  url: string;
}

export interface AccountTarget {
  kind: 'account';
  url: string;
}

export type Target = PostTarget | AccountTarget;

export interface Thread {
  post: NormalisedPost;
  /** Root first. */
  ancestors: NormalisedPost[];
  /** In thread order. */
  replies: NormalisedPost[];
  /** What the capture made besides the HTTP exchanges (a screenshot, a DOM snapshot): resource records. */
  resources?: IngestResource[];
  /** What this capture missed beyond its method's general misses (blocked requests, a cut screenshot). */
  misses?: string[];
}

/** A resolved account: what the platform says about it, and connector-private paging state. */
export interface AccountHandle {
  account: AccountInfo;
  /** Posts the platform says the account has (for progress), when it says. */
  total: number | null;
  ref: string;
}

export interface AccountPage {
  posts: NormalisedPost[];
  /** Opaque cursor for the next page; null on the last page. */
  next: string | null;
  /**
   * The cursor that names this page itself, when the connector knows it (Mastodon: the URL it read),
   * so the pipeline sees a next-page link that points back at its own page.
   */
  self?: string;
}

/**
 * One entry of the connector registry (src/capture/registry.ts). A connector turns URLs into
 * targets; what it can do with them is in the capability interfaces below, which it implements as
 * far as its platform allows. It reads the platform through the recording HTTP session it is given
 * and returns normalised posts. It never writes: the pipeline decides what becomes a version and
 * what goes into the WARC.
 */
export interface Connector {
  /** Rewrites inputs that are not WHATWG URLs (e.g. `at://did:plc:…/…`) into URLs this connector matches. */
  normaliseInput?(text: string): string | null;
  /**
   * A target when this connector handles the URL, else null. Throws a CaptureError when it knows
   * the URL but refuses it (a platform that is not supported yet), so no later connector takes it.
   */
  match(url: URL): Target | null;
  /**
   * Asks the network, before `match`, what a URL of this connector's shape is on (once per host and
   * process: Mastodon's connector asks whether it is a Mastodon-API server), so `match` can leave a
   * host that is not one to the next connector. Never throws; `resolve` alone stays offline.
   */
  probe?(url: URL, http: HttpClient): Promise<void>;
}

/** What a connector that reads a platform archives under: the platform's name and the capture method. */
export interface PlatformReader {
  readonly platform: Platform;
  readonly method: CaptureMethod;
}

/** Captures one post with its thread. */
export interface PostSource extends PlatformReader {
  /** Ids (`post.platform_id`) that the URL names, found without the network; used by `show <url>`. */
  lookupKeys(url: URL): string[];
  /** The post, its ancestors and its replies. Throws CaptureError('not-found', …) for deleted posts. */
  fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread>;
}

/** Captures a whole account, page by page (backfill and watch polls). */
export interface AccountSource extends PlatformReader {
  openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle>;
  listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage>;
}

/** Re-checks archived posts (the monitor's edit and deletion detection). */
export interface BatchChecker extends PlatformReader {
  /**
   * Re-checks archived posts in as few requests as the platform allows (batch look-ups). A post the
   * batch leaves out is asked for once more on its own before it counts as deleted; errors (5xx,
   * timeouts, 429, malformed answers) are `error`, never a deletion. Keyed by platformId.
   */
  checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>>;
}

/** Whether a platform's connector can work now: credentials set, quota left (shown by `status`). */
export interface PlatformReadiness {
  platform: Platform;
  state: 'ready' | 'not-configured' | 'quota-exceeded';
  /** The environment variable(s) to set when not configured, e.g. `YOUTUBE_API_KEY`. */
  variable?: string;
  /** What is left of a daily quota or monthly budget, when the platform has one. */
  quota?: { used: number; limit: number; unit: string; period: 'day' | 'month'; resets: string };
}

/** Reports its readiness (connectors that need credentials or spend a quota). */
export interface ReadinessReporter {
  readiness(db?: Db): Promise<PlatformReadiness>;
}

export function canReportReadiness(c: Connector): c is Connector & ReadinessReporter {
  return typeof (c as Partial<ReadinessReporter>).readiness === 'function';
}

/** What verify hands a connector: a stored API answer that a version's metadata record cites. */
export interface RederiveInput {
  platform: string;
  platformId: string;
  /** The URL of the stored response. */
  url: string;
  body: Buffer;
  /** The body of another stored response of the same capture, by URL (e.g. an edit history). */
  related: (url: string) => Promise<Buffer | null>;
}

/**
 * Re-derives a version's content from the stored answer with the connector's own parsing, so
 * `verify` can prove the searchable data came from the evidence (src/capture/rederive.ts).
 * Null when the answer does not hold the post.
 */
export interface Rederiver extends PlatformReader {
  rederive(input: RederiveInput): Promise<Rederived | null>;
}

/**
 * A post re-derived from a stored answer: its content now and its edit history's entries; `earlier`:
 * what earlier releases of the connector made of the same answer (a version archived then is
 * evidence of that answer as much as a new reading is).
 */
export interface Rederived {
  current: PostContent;
  history: PostContent[];
  earlier?: PostContent[];
}

export function canRederive(c: Connector): c is Connector & Rederiver {
  return typeof (c as Partial<Rederiver>).rederive === 'function';
}

export function canFetchPosts(c: Connector): c is Connector & PostSource {
  const x = c as Partial<PostSource>;
  return typeof x.fetchThread === 'function' && typeof x.lookupKeys === 'function';
}

export function canListAccounts(c: Connector): c is Connector & AccountSource {
  const x = c as Partial<AccountSource>;
  return typeof x.openAccount === 'function' && typeof x.listAccount === 'function';
}

export function canCheckPosts(c: Connector): c is Connector & BatchChecker {
  return typeof (c as Partial<BatchChecker>).checkPosts === 'function';
}

/** What the re-checker knows of an archived post, to ask the platform about it again. */
export interface CheckRef {
  platformId: string;
  apiRef: string | null;
  url: string;
  /** The author's platform id (Mastodon `host:id`, Bluesky DID), to tell "suspended" from "deleted". */
  accountRef: string | null;
  /**
   * The post is known deleted (an earlier check confirmed it): a batch look-up that leaves it out again
   * means it is still gone, without asking about it on its own (that confirmation guards a new
   * deletion against a glitch; for one already confirmed, a glitch only delays a "restored").
   */
  deleted?: boolean;
}

export type CheckResult =
  | { state: 'live'; post: NormalisedPost }
  | { state: 'deleted'; reason: string }
  | { state: 'unavailable'; reason: string }
  | { state: 'error'; reason: string };

/** A registry line: how the pipeline builds one connector from the configuration. */
export interface ConnectorFactory {
  /** For logs and tests ('mastodon', 'unsupported', …). */
  readonly name: string;
  /** `db`: the archive's index, for what a connector remembers of hosts (absent in some tests). */
  create(config: Config, db?: Db): Connector;
}

/** What a zod check found wrong, in one line: the first few problems with where they are. */
function shapeProblems(error: z.ZodError): string {
  const problems = error.issues.slice(0, 3).map((i) => {
    const where = i.path.length ? i.path.map(String).join('.') : 'the answer';
    return `${where}: ${i.message}`;
  });
  if (error.issues.length > 3) problems.push(`${error.issues.length - 3} more`);
  return problems.join('; ');
}

/**
 * A platform's answer checked against the shape the connector reads (lenient where the platform is:
 * optional fields, extra fields allowed). A wrong shape (`{"content": 42}`, `null`, `[]`) is a
 * CaptureError('bad-response') that names what was wrong, never a TypeError deep in a connector.
 * `what`: what the answer should have been ("the post", "the posts of the account").
 */
export function validAnswer<S extends z.ZodType>(
  schema: S,
  data: unknown,
  url: string,
  what: string,
): z.output<S> {
  const checked = schema.safeParse(data);
  if (checked.success) return checked.data;
  const host = new URL(url).host;
  const detail = shapeProblems(checked.error);
  throw new CaptureError(
    'bad-response',
    `${host} sent an answer for ${what} that is not in the shape its API documents (${detail}): ${url}`,
    false,
    { url, host, detail },
  );
}
