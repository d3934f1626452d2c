// Loopback fake of the Bot Framework connector service that Teams' serviceUrl points at: the bot POSTs
// its answers to /v3/conversations/{conversationId}/activities (a new message) or
// /v3/conversations/{conversationId}/activities/{replyToId} (a reply), and gets {"id": "…"} back.
// The conversation id may arrive URL-encoded (botbuilder) or not (agents-hosting); both are accepted.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from './listen.ts';

/** One activity the bot sent to the connector. */
export interface ConnectorActivity {
  /** The id the fake answered with. */
  id: string;
  path: string;
  conversationId: string;
  /** The activity id in the URL (a reply), if any. */
  replyTo?: string;
  authorization?: string;
  // biome-ignore lint/suspicious/noExplicitAny: the Activity JSON as the bot sent it
  body: any;
}

export interface FailAnswer {
  status: number;
  headers?: Record<string, string>;
  times?: number;
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?(?:\?.*)?$/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class FakeTeamsConnector {
  /** Every activity received, in arrival order. */
  readonly activities: ConnectorActivity[] = [];
  /** How many POSTs were answered with a failure (see `fail`). */
  failed = 0;
  private readonly server: Server;
  private base = '';
  private seq = 0;
  private failures: FailAnswer[] = [];

  private constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req)
        .then(({ status, body, headers }) => {
          res
            .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
            .end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: err.message }));
        });
    });
  }

  static async start(): Promise<FakeTeamsConnector> {
    const f = new FakeTeamsConnector();
    f.base = await listenOnLoopback(f.server);
    return f;
  }

  /** The serviceUrl to put in incoming activities (with the trailing slash Teams uses). */
  get serviceUrl(): string {
    return `${this.base}/`;
  }

  /** The next `times` (default 1) POSTs are answered with `status` (throttling, outages). */
  fail(answer: FailAnswer): void {
    this.failures.push({ times: 1, ...answer });
  }

  /** The activities sent as replies to `activityId`, in order. */
  repliesTo(activityId: string): ConnectorActivity[] {
    return this.activities.filter((a) => a.replyTo === activityId);
  }

  /** Resolves with the first activity (already received or arriving within `timeoutMs`) that matches. */
  async waitFor(match: (a: ConnectorActivity) => boolean, timeoutMs = 15_000): Promise<ConnectorActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.activities.find(match);
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(
          `fake Teams connector: no matching activity within ${timeoutMs} ms (got ${this.activities.length}: ${this.activities
            .map((a) => JSON.stringify(a.body.text ?? a.body.type))
            .join(', ')})`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const raw = await readBody(req);
    const m = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      return { status: 404, body: { error: { code: 'NotFound', message: `${req.method} ${req.url}` } } };
    }
    const failure = this.failures[0];
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.shift();
      this.failed++;
      return {
        status: failure.status,
        body: { error: { code: 'ServiceError', message: 'fake failure' } },
        ...(failure.headers ? { headers: failure.headers } : {}),
      };
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { error: { code: 'BadSyntax', message: 'body is not JSON' } } };
    }
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
      return { status: 400, body: { error: { code: 'BadArgument', message: 'Activity must have a type' } } };
    }
    const conversationId = decodeURIComponent(m[1]!);
    const conversation = body.conversation as { id?: string } | undefined;
    if (conversation?.id !== undefined && conversation.id !== conversationId) {
      return {
        status: 400,
        body: { error: { code: 'BadArgument', message: 'conversation id in the URL and the body differ' } },
      };
    }
    const id = `bot-activity-${++this.seq}`;
    const auth = req.headers.authorization;
    this.activities.push({
      id,
      path: req.url!,
      conversationId,
      ...(m[2] ? { replyTo: decodeURIComponent(m[2]) } : {}),
      ...(auth ? { authorization: auth } : {}),
      body,
    });
    return { status: 200, body: { id } };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
