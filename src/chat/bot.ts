import type { Logger } from 'pino';
import { wordDiff } from '../domain/diff.ts';
import { CaptureError, UsageError } from '../domain/errors.ts';
import type { Archive } from '../store/archive.ts';
import { appendAudit } from '../store/audit.ts';
import {
  channelLanguage,
  failuresSince,
  recentCaptures,
  setChannelLanguage,
  subscribe,
  subscriptions,
  unsubscribe,
} from '../store/chat.ts';
import { acknowledgeAlert, listAlerts, listWatches } from '../store/monitor.ts';
import { findPostId, type PostDetail, search, showPost } from '../store/queries.ts';
import type { CaptureService, ChatCommand } from './chat.ts';
import {
  COMMANDS,
  type CommandSpec,
  didYouMean,
  guessLanguage,
  type ParsedCommand,
  parseCommand,
} from './commands.ts';
import { alertLine, captureFailure, captureResult, short, when } from './presenters.ts';
import { type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';
import type { Roles } from './roles.ts';
import type { MonitorService } from './services.ts';

/** The knowledge base as the chat sees it (src/kb provides it). */
export interface KnowledgeService {
  ask(
    question: string,
    lang: Lang,
    ctx: { archive: Archive; user: string; postRef?: string },
  ): Promise<Reply>;
  kb(args: string, lang: Lang, ctx: { archive: Archive; user: string; roles: string[] }): Promise<Reply>;
}

export type { MonitorService };

export interface BotDeps {
  archive: Archive;
  captures: CaptureService;
  roles: Roles;
  /** Checks a capture URL before it is queued (the pipeline's resolve); throws CaptureError. */
  checkUrl: (url: string) => void;
  lookupKeys: (ref: string) => string[];
  knowledge?: KnowledgeService;
  monitor?: MonitorService;
  defaultLanguage?: Lang;
  pageSize?: number;
  log?: Logger;
}

const say = (lang: Lang, nl: string, en: string) => (lang === 'nl' ? nl : en);

export { wordDiff };

/**
 * The core of every chat adapter: one command language, one set of permissions, one audit trail.
 * Adapters hand it a ChatCommand and render the Reply it returns; they decide nothing themselves.
 */
export class Bot {
  private readonly pageSize: number;

  constructor(readonly deps: BotDeps) {
    this.pageSize = deps.pageSize ?? 5;
  }

  async languageFor(cmd: ChatCommand, parsed?: ParsedCommand): Promise<Lang> {
    if (parsed?.lang) return parsed.lang;
    const channel = await channelLanguage(this.deps.archive.db, cmd.platform, cmd.channel);
    if (channel) return channel;
    if (parsed?.name === 'ask') return guessLanguage(parsed.args) ?? this.deps.defaultLanguage ?? 'nl';
    return this.deps.defaultLanguage ?? 'nl';
  }

  private async audit(cmd: ChatCommand, text: string, detail: Record<string, unknown>): Promise<void> {
    const db = this.deps.archive.db;
    await db.transaction(() =>
      appendAudit(db, {
        actor: `${cmd.platform}:${cmd.user}`,
        action: 'chat.command',
        subject: text,
        detail: { platform: cmd.platform, user: cmd.user, channel: cmd.channel, ...detail },
      }),
    );
  }

  /** Handles one command; never throws for what a user can cause: every problem is an answer. */
  async handle(cmd: ChatCommand): Promise<Reply> {
    const text = (cmd.action?.command ?? cmd.text ?? '').trim();
    const parsed = parseCommand(text || 'help');
    const lang = await this.languageFor(cmd, parsed);
    if (!parsed.spec) {
      const guess = didYouMean(parsed.word);
      await this.audit(cmd, text, { command: null, allowed: false, reason: 'unknown command' });
      const hint = guess
        ? say(lang, ` Bedoelde je \`${guess.word}\`?`, ` Did you mean \`${guess.word}\`?`)
        : '';
      return new ReplyBuilder()
        .section(
          say(
            lang,
            `Die opdracht ken ik niet: "${short(text, 60)}".`,
            `I don't know that command: "${short(text, 60)}".`,
          ) + hint,
        )
        .context(this.helpLine(lang))
        .build({ kind: 'error', private: true });
    }
    const roles = this.deps.roles.rolesOf(cmd.platform, cmd.user, cmd.channel);
    const needed = this.neededRole(parsed);
    if (!this.deps.roles.allows(roles, needed)) {
      await this.audit(cmd, text, { command: parsed.name, allowed: false, needed, roles });
      return textReply(
        say(
          lang,
          `Dat mag je hier niet: \`${parsed.word}\` vraagt de rol ${needed} (jij hebt: ${roles.join(', ') || 'geen'}). Vraag je informatiebeheerder om die rol.`,
          `You may not do that here: \`${parsed.word}\` needs the role ${needed} (you have: ${roles.join(', ') || 'none'}). Ask your records manager for it.`,
        ),
        { kind: 'refused', private: true },
      );
    }
    await this.audit(cmd, text, { command: parsed.name, allowed: true, roles });
    try {
      return await this.dispatch(parsed, cmd, lang, roles);
    } catch (err) {
      if (err instanceof UsageError || err instanceof CaptureError) {
        return textReply(err.message, { kind: 'error', private: true });
      }
      this.deps.log?.error({ err, text }, 'chat command failed');
      return textReply(
        say(
          lang,
          'Er ging iets mis aan mijn kant; het is gelogd. Probeer het later opnieuw.',
          'Something went wrong on my side; it has been logged. Please try again later.',
        ),
        { kind: 'error' },
      );
    }
  }

  private neededRole(parsed: ParsedCommand) {
    // Listing a channel's alerts is for everyone; changing them is for archivists.
    if (parsed.name === 'alerts' && !parsed.args.trim()) return 'viewer' as const;
    if (parsed.name === 'kb') {
      const sub = parsed.args.split(/\s+/)[0]?.toLowerCase() ?? '';
      if (['approve', 'reject', 'goedkeuren', 'afwijzen'].includes(sub)) return 'expert' as const;
    }
    return parsed.spec!.role;
  }

  private helpLine(lang: Lang): string {
    return say(
      lang,
      `Opdrachten: ${COMMANDS.map((c) => c.words.nl[0]).join(', ')}. Typ \`hulp <opdracht>\` voor meer.`,
      `Commands: ${COMMANDS.map((c) => c.words.en[0]).join(', ')}. Type \`help <command>\` for more.`,
    );
  }

  private async dispatch(p: ParsedCommand, cmd: ChatCommand, lang: Lang, roles: string[]): Promise<Reply> {
    switch (p.name) {
      case 'help':
        return this.help(p.args, lang);
      case 'capture':
        return this.capture(p.args, cmd, lang);
      case 'show':
        return this.show(p.args, lang);
      case 'history':
        return this.history(p.args, lang);
      case 'search':
        return this.search(p.args, lang, p.word);
      case 'status':
        return this.status(lang);
      case 'alerts':
        return this.alerts(p.args, cmd, lang);
      case 'language':
        return this.language(p.args, cmd, lang);
      case 'ask':
        if (!p.args.trim())
          throw new UsageError(
            say(
              lang,
              'Wat wil je weten? Bijvoorbeeld: `vraag moet ik reacties op ons account archiveren?`',
              'What would you like to know? For example: `ask must I archive replies to our account?`',
            ),
          );
        if (!this.deps.knowledge)
          return textReply(
            say(lang, 'De kennisbank is nog niet beschikbaar.', 'The knowledge base is not available yet.'),
          );
        return this.deps.knowledge.ask(p.args, lang, {
          archive: this.deps.archive,
          user: `${cmd.platform}:${cmd.user}`,
        });
      case 'watch':
      case 'unwatch': {
        if (!this.deps.monitor) {
          return textReply(
            say(
              lang,
              'Volgen kan alleen als de bot draait (`archiefbot serve`).',
              'Watching needs the bot running (`archiefbot serve`).',
            ),
          );
        }
        if (!p.args.trim())
          throw new UsageError(
            say(lang, `Welk account? \`${p.spec!.usage.nl}\``, `Which account? \`${p.spec!.usage.en}\``),
          );
        const by = `${cmd.platform}:${cmd.user}`;
        if (p.name === 'watch') {
          const { url } = await this.deps.monitor.watch(p.args.trim(), { by, replyTo: cmd.replyTo, lang });
          return textReply(
            say(
              lang,
              `Ik ga ${url} volgen. Eerst stel ik alle berichten veilig; ik meld het hier als dat klaar is.`,
              `I'll watch ${url}. First I secure all its posts; I'll say so here when that is done.`,
            ),
            { kind: 'ack' },
          );
        }
        const input = p.args.trim();
        const { handle } = await this.deps.monitor.unwatch(input, { by });
        return textReply(
          handle
            ? say(
                lang,
                `${handle} wordt niet meer gevolgd; wat gearchiveerd is, blijft.`,
                `${handle} is no longer watched; what was archived stays.`,
              )
            : say(lang, `${input} werd niet gevolgd.`, `${input} was not being watched.`),
        );
      }
      case 'watching':
        return this.watching(lang);
      case 'kb':
        if (!this.deps.knowledge)
          return textReply(
            say(lang, 'De kennisbank is nog niet beschikbaar.', 'The knowledge base is not available yet.'),
          );
        return this.deps.knowledge.kb(p.args, lang, {
          archive: this.deps.archive,
          user: `${cmd.platform}:${cmd.user}`,
          roles,
        });
      default:
        return this.help('', lang);
    }
  }

  help(args: string, lang: Lang): Reply {
    const topic = args.trim().toLowerCase();
    if (topic) {
      const spec = COMMANDS.find((c) => c.words.en.includes(topic) || c.words.nl.includes(topic));
      if (!spec)
        throw new UsageError(
          say(
            lang,
            `Geen hulp over "${topic}". ${this.helpLine(lang)}`,
            `No help on "${topic}". ${this.helpLine(lang)}`,
          ),
        );
      return new ReplyBuilder()
        .header(`\`${spec.usage[lang]}\``)
        .section(spec.summary[lang])
        .context(
          say(
            lang,
            `Ook: ${[...spec.words.nl, ...spec.words.en].join(', ')} · rol: ${spec.role}`,
            `Also: ${[...spec.words.en, ...spec.words.nl].join(', ')} · role: ${spec.role}`,
          ),
        )
        .build();
    }
    const b = new ReplyBuilder().header(
      say(lang, 'Archiefbot: wat je mij kunt vragen', 'Archiefbot: what you can ask me'),
    );
    b.section(COMMANDS.map((c: CommandSpec) => `\`${c.usage[lang]}\` — ${c.summary[lang]}`).join('\n'));
    b.context(
      say(
        lang,
        'Ik antwoord in de taal van je opdracht (archiveer/capture). Een gewone vraag ("moet ik dit archiveren?") gaat naar de kennisbank.',
        'I answer in the language of your command (capture/archiveer). A plain question ("must I archive this?") goes to the knowledge base.',
      ),
    );
    return b.build();
  }

  private async capture(args: string, cmd: ChatCommand, lang: Lang): Promise<Reply> {
    const url = args.trim().replace(/^<|>$/g, '').split('|')[0]!.trim();
    if (!url)
      throw new UsageError(
        say(
          lang,
          'Welke link? Bijvoorbeeld: `archiveer https://social.overheid.nl/@minbzk/1234`',
          'Which link? For example: `capture https://social.overheid.nl/@minbzk/1234`',
        ),
      );
    this.deps.checkUrl(url);
    const { jobId, duplicate, finished } = await this.deps.captures.enqueue({
      url,
      requestedBy: `${cmd.platform}:${cmd.user}`,
      channel: `${cmd.platform}:${cmd.channel}`,
      replyTo: cmd.replyTo,
      lang,
    });
    if (finished?.outcome) return captureResult(finished.outcome, lang);
    if (finished) return captureFailure(url, finished.failure ?? '?', lang, false);
    const text = duplicate
      ? say(
          lang,
          `${url} wordt al gearchiveerd (taak ${jobId}); ik antwoord ook hier als het klaar is.`,
          `${url} is already being archived (job ${jobId}); I'll answer here too when it's done.`,
        )
      : say(
          lang,
          `Bezig met archiveren van ${url} (taak ${jobId}). Ik antwoord in deze draad als het klaar is.`,
          `Archiving ${url} (job ${jobId}). I'll answer in this thread when it's done.`,
        );
    return textReply(text, { kind: 'ack' });
  }

  private async post(ref: string, lang: Lang): Promise<PostDetail> {
    const clean = ref.trim().replace(/^<|>$/g, '').replace(/^#/, '').split('|')[0]!.trim();
    if (!clean)
      throw new UsageError(
        say(
          lang,
          'Welk bericht? Geef het nummer (#12) of de link.',
          'Which post? Give its number (#12) or its link.',
        ),
      );
    const id = await findPostId(this.deps.archive.db, clean, this.deps.lookupKeys(clean));
    const detail = id === undefined ? undefined : await showPost(this.deps.archive.db, id);
    if (!detail) {
      throw new UsageError(
        say(
          lang,
          `Geen gearchiveerd bericht ${clean}. Archiveer het eerst: \`archiveer <link>\`.`,
          `No archived post ${clean}. Archive it first: \`capture <link>\`.`,
        ),
      );
    }
    return detail;
  }

  private async show(args: string, lang: Lang): Promise<Reply> {
    const d = await this.post(args, lang);
    const p = d.post;
    const last = d.versions.at(-1);
    const b = new ReplyBuilder()
      .header(
        say(
          lang,
          `Bericht #${p.id} (${p.platform}, ${p.status})`,
          `Post #${p.id} (${p.platform}, ${p.status})`,
        ),
      )
      .section(`> ${short(p.text, 500)}`, [
        [say(lang, 'Auteur', 'Author'), `${p.author ?? '?'}${p.authorName ? ` (${p.authorName})` : ''}`],
        [say(lang, 'Geplaatst', 'Posted'), when(p.createdAt)],
        [say(lang, 'Versies', 'Versions'), String(d.versions.length)],
        [say(lang, 'Reacties', 'Replies'), String(d.replies.length)],
        ['Media', String(d.media.filter((m) => m.version === last?.number).length)],
        ['SHA-256', p.sha256 ?? '?'],
        [say(lang, 'Bewijs', 'Evidence'), last ? `${last.evidence.file} @ ${last.evidence.offset}` : '?'],
        [
          say(lang, 'Vastgelegd', 'Captured'),
          `${d.captures.length}× · ${say(lang, 'laatst', 'last')} ${when(p.lastSeen)}`,
        ],
        ...(d.appraisal
          ? [[say(lang, 'Waardering', 'Appraisal'), appraisalLine(d.appraisal, lang)] as [string, string]]
          : []),
      ])
      .context(`${p.url} · ${say(lang, 'methode', 'method')} ${last?.method ?? '?'}`);
    return b
      .buttons([
        {
          label: say(lang, 'Geschiedenis', 'History'),
          command: `${say(lang, 'geschiedenis', 'history')} ${p.id}`,
        },
      ])
      .build();
  }

  private async history(args: string, lang: Lang): Promise<Reply> {
    const [ref = '', ...rest] = args.trim().split(/\s+/);
    const page = pageOf(rest.join(' '));
    const d = await this.post(ref, lang);
    const b = new ReplyBuilder().header(
      say(
        lang,
        `Bericht #${d.post.id}: ${d.versions.length} versie(s)`,
        `Post #${d.post.id}: ${d.versions.length} version(s)`,
      ),
    );
    const start = (page - 1) * this.pageSize;
    const slice = d.versions.slice(start, start + this.pageSize);
    for (const v of slice) {
      const prev = d.versions[v.number - 2];
      const body = prev ? wordDiff(prev.text, v.text) : v.text;
      const origin =
        v.origin === 'platform-history'
          ? say(lang, 'uit de bewerkgeschiedenis van het platform', "from the platform's edit history")
          : `${say(lang, 'vastgelegd', 'captured')} (${v.trigger})`;
      b.section(`*v${v.number}* · ${when(v.validFrom ?? v.capturedAt)} · ${origin}\n${short(body, 600)}`, [
        [say(lang, 'Veranderd', 'Changed'), v.changed.join(', ')],
        ['SHA-256', v.sha256],
      ]);
    }
    if (start + this.pageSize < d.versions.length) {
      b.context(
        say(
          lang,
          `Versies ${start + 1}–${start + slice.length} van ${d.versions.length}.`,
          `Versions ${start + 1}–${start + slice.length} of ${d.versions.length}.`,
        ),
      );
      b.buttons([
        {
          label: say(lang, 'Meer', 'More'),
          command: `${say(lang, 'geschiedenis', 'history')} ${d.post.id} ${say(lang, 'pagina', 'page')}:${page + 1}`,
        },
      ]);
    }
    return b.build();
  }

  private async search(args: string, lang: Lang, word: string): Promise<Reply> {
    const filters: { platform?: string; author?: string; since?: string; until?: string } = {};
    const words: string[] = [];
    let page = 1;
    for (const token of args.trim().split(/\s+/).filter(Boolean)) {
      const m = /^(platform|author|van|since|sinds|until|tot|page|pagina):(.+)$/i.exec(token);
      if (!m) {
        words.push(token);
        continue;
      }
      const [key, value] = [m[1]!.toLowerCase(), m[2]!];
      if (key === 'platform') filters.platform = value.toLowerCase();
      else if (key === 'author' || key === 'van') filters.author = value;
      else if (key === 'since' || key === 'sinds') filters.since = value;
      else if (key === 'until' || key === 'tot') filters.until = value;
      else page = pageOf(`page:${value}`);
    }
    const query = words.join(' ');
    if (!query)
      throw new UsageError(
        say(
          lang,
          'Waar zoek je naar? Bijvoorbeeld: `zoek stikstof sinds:2025-01-01`',
          'What are you looking for? For example: `search nitrogen since:2025-01-01`',
        ),
      );
    const all = await search(this.deps.archive.db, query, { ...filters, limit: page * this.pageSize + 1 });
    const hits = all.slice((page - 1) * this.pageSize, page * this.pageSize);
    if (!hits.length)
      return textReply(say(lang, `Niets gevonden voor "${query}".`, `Nothing found for "${query}".`));
    const b = new ReplyBuilder().header(
      say(lang, `Zoekresultaten voor "${query}"`, `Search results for "${query}"`),
    );
    for (const h of hits) {
      b.section(
        `*#${h.id}* ${h.author ?? ''} · ${when(h.time)}${h.status !== 'live' ? ` · ${h.status}` : ''}\n${h.snippet}\n${h.url}`,
      );
    }
    const buttons = hits.map((h) => ({ label: `#${h.id}`, command: `${say(lang, 'toon', 'show')} ${h.id}` }));
    if (all.length > page * this.pageSize) {
      b.context(
        say(lang, `Pagina ${page}; er zijn meer resultaten.`, `Page ${page}; there are more results.`),
      );
      buttons.push({
        label: say(lang, 'Meer', 'More'),
        command: `${word} ${args.replace(/\s*(page|pagina):\d+/i, '')} ${say(lang, 'pagina', 'page')}:${page + 1}`,
      });
    }
    return b.buttons(buttons).build();
  }

  private async status(lang: Lang): Promise<Reply> {
    const counts = await this.deps.captures.counts();
    const db = this.deps.archive.db;
    const recent = await recentCaptures(db, 5);
    const failed = await failuresSince(db, new Date(Date.now() - 86_400_000).toISOString());
    const totals = await db.get<{ posts: number; versions: number }>(
      'SELECT (SELECT count(*) FROM post) AS posts, (SELECT count(*) FROM version) AS versions',
    );
    const b = new ReplyBuilder().header('Status').section('', [
      [
        say(lang, 'Wachtrij', 'Queue'),
        `${counts.waiting ?? 0} ${say(lang, 'wachtend', 'waiting')}, ${counts.active ?? 0} ${say(lang, 'bezig', 'active')}, ${counts.delayed ?? 0} ${say(lang, 'uitgesteld', 'delayed')}`,
      ],
      [say(lang, 'Mislukt (24 uur)', 'Failed (24 h)'), String(failed)],
      [
        say(lang, 'Archief', 'Archive'),
        `${totals?.posts ?? 0} ${say(lang, 'berichten', 'posts')}, ${totals?.versions ?? 0} ${say(lang, 'versies', 'versions')}`,
      ],
    ]);
    if (recent.length) {
      b.section(
        `${say(lang, 'Laatste archiveringen', 'Last captures')}:\n${recent
          .map(
            (c) =>
              `${c.status === 'failed' ? '✗' : c.status === 'done' ? '✓' : '…'} ${when(c.started_at)} ${c.url}${c.error ? ` — ${short(c.error, 120)}` : ''}`,
          )
          .join('\n')}`,
      );
    }
    return b.build();
  }

  private async alerts(args: string, cmd: ChatCommand, lang: Lang): Promise<Reply> {
    const [mode = '', ...accounts] = args.trim().split(/\s+/).filter(Boolean);
    const db = this.deps.archive.db;
    const who = `${cmd.platform}:${cmd.user}`;
    const m = mode.toLowerCase();
    if (m === 'on' || m === 'aan') {
      const added = await db.transaction(() =>
        subscribe(db, cmd.platform, cmd.channel, accounts.length ? accounts : ['*'], who),
      );
      const what = accounts.length
        ? accounts.join(', ')
        : say(lang, 'alle gevolgde accounts', 'all watched accounts');
      return textReply(
        added.length
          ? say(
              lang,
              `Meldingen aan in dit kanaal voor ${what}: bewerkt, verwijderd, hersteld, onbeschikbaar, verstoord.`,
              `Alerts on in this channel for ${what}: edited, deleted, restored, unavailable, degraded.`,
            )
          : say(lang, `Meldingen stonden al aan voor ${what}.`, `Alerts were already on for ${what}.`),
      );
    }
    if (m === 'off' || m === 'uit') {
      const removed = await db.transaction(() => unsubscribe(db, cmd.platform, cmd.channel, accounts));
      return textReply(
        removed
          ? say(
              lang,
              `Meldingen uit in dit kanaal${accounts.length ? ` voor ${accounts.join(', ')}` : ''}.`,
              `Alerts off in this channel${accounts.length ? ` for ${accounts.join(', ')}` : ''}.`,
            )
          : say(lang, 'Er stonden hier geen meldingen aan.', 'No alerts were on here.'),
      );
    }
    if (m === 'ack' || m === 'gezien') {
      const id = Number((accounts[0] ?? '').replace(/^#/, ''));
      if (!Number.isInteger(id) || id < 1)
        throw new UsageError(
          say(lang, 'Gebruik: `meldingen gezien <nummer>`', 'Usage: `alerts ack <number>`'),
        );
      const alert = await acknowledgeAlert(db, id, who);
      if (!alert) throw new UsageError(say(lang, `Melding ${id} bestaat niet.`, `There is no alert ${id}.`));
      return textReply(
        alert.acknowledged_by === who
          ? say(lang, `Melding #${id} is als gezien gemarkeerd.`, `Alert #${id} is marked as seen.`)
          : say(
              lang,
              `Melding #${id} was al gezien door ${alert.acknowledged_by}.`,
              `Alert #${id} was already seen by ${alert.acknowledged_by}.`,
            ),
      );
    }
    if (m) {
      throw new UsageError(
        say(
          lang,
          'Gebruik: `meldingen [aan|uit [account…] | gezien <nummer>]`',
          'Usage: `alerts [on|off [account…] | ack <number>]`',
        ),
      );
    }
    const subs = await subscriptions(db, cmd.platform, cmd.channel);
    const recent = await listAlerts(db, {
      since: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      limit: this.pageSize * 2,
    });
    const b = new ReplyBuilder();
    if (recent.length) {
      b.header(say(lang, 'Recente meldingen (7 dagen)', 'Recent alerts (7 days)'));
      b.section(recent.map((a) => alertLine(a, lang)).join('\n'));
    } else {
      b.section(say(lang, 'Geen meldingen in de afgelopen 7 dagen.', 'No alerts in the last 7 days.'));
    }
    b.context(
      subs.length
        ? say(
            lang,
            `Meldingen in dit kanaal voor: ${subs.map((x) => (x.account === '*' ? 'alle accounts' : x.account)).join(', ')}.`,
            `Alerts in this channel for: ${subs.map((x) => (x.account === '*' ? 'all accounts' : x.account)).join(', ')}.`,
          )
        : say(
            lang,
            'Geen meldingen in dit kanaal. Zet ze aan met `meldingen aan`.',
            'No alerts in this channel. Turn them on with `alerts on`.',
          ),
    );
    return b.build();
  }

  private async watching(lang: Lang): Promise<Reply> {
    const list = await listWatches(this.deps.archive.db, { active: true });
    if (!list.length) {
      return textReply(
        say(
          lang,
          'Er worden geen accounts gevolgd. Begin met `volg <account>`.',
          'No accounts are watched. Start with `watch <account>`.',
        ),
      );
    }
    const b = new ReplyBuilder().header(
      say(lang, `${list.length} gevolgde account(s)`, `${list.length} watched account(s)`),
    );
    b.section(
      list
        .map((w) => {
          const org = w.organisation ? ` — ${w.organisation}` : '';
          const errors = w.poll_errors ? ` · ${w.poll_errors} ${say(lang, 'fouten', 'errors')}` : '';
          return `${w.platform} ${w.handle}${org} (${w.role}) · ${say(lang, 'elke', 'every')} ${w.interval_seconds}s · ${say(lang, 'laatst', 'last')} ${when(w.last_polled_at)}${errors}`;
        })
        .join('\n'),
    );
    return b.build();
  }

  private async language(args: string, cmd: ChatCommand, lang: Lang): Promise<Reply> {
    const choice = args.trim().toLowerCase();
    if (choice !== 'nl' && choice !== 'en')
      throw new UsageError(
        say(lang, 'Gebruik: `taal nl` of `taal en`', 'Usage: `language nl` or `language en`'),
      );
    const db = this.deps.archive.db;
    await db.transaction(() =>
      setChannelLanguage(db, cmd.platform, cmd.channel, choice, `${cmd.platform}:${cmd.user}`),
    );
    return textReply(
      choice === 'nl'
        ? 'Ik antwoord in dit kanaal voortaan in het Nederlands.'
        : 'From now on I answer in English in this channel.',
    );
  }
}

function appraisalLine(a: NonNullable<PostDetail['appraisal']>, lang: Lang): string {
  const v = a.valuation ?? say(lang, 'niet gewaardeerd', 'not appraised');
  const term = a.termYears ? ` (${a.termYears} ${say(lang, 'jaar', 'years')})` : '';
  return `${v}${term}${a.rule ? ` · ${a.rule}` : ''}${a.inference ? say(lang, ' · afgeleid', ' · inferred') : ''}`;
}

function pageOf(text: string): number {
  const m = /(?:page|pagina):(\d+)/i.exec(text);
  const n = m ? Number(m[1]) : 1;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1000) : 1;
}
