import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { parseDate } from '../../usecases/alerts.ts';
import { type SearchRequest, searchArchive } from '../../usecases/search.ts';
import { type Command, type CommandSpec, commandLine, PAGE, pageOf } from '../command.ts';
import { ReplyBuilder, textReply } from '../reply.ts';
import { term, when } from '../text.ts';
import { show } from './show.ts';

export const spec: CommandSpec = {
  name: 'search',
  words: { en: ['search', 'find'], nl: ['zoek', 'zoeken'] },
  usage: 'command.search.usage',
  summary: 'command.search.summary',
  role: 'viewer',
};

/** The filters of `search`, each with its words in both languages (`since:` / `sinds:`). */
const OPTIONS = {
  platform: ['platform'],
  author: ['author', 'van'],
  since: ['since', 'sinds'],
  until: ['until', 'tot'],
  page: ['page', 'pagina'],
  sort: ['sort', 'sorteer'],
  after: ['after', 'na'],
} as const;

/** The words of `sort:` / `sorteer:` for best first (anything else: newest first). */
const RELEVANCE = ['relevance', 'relevantie', 'best', 'beste'];

/** The cursor option in each language, for the More button. */
const AFTER = { nl: 'na', en: 'after' } as const;

/**
 * `search <words> [platform:…] [author:…] [since:…] [until:…] [sort:relevance] [page:n] [after:cursor]`,
 * dates checked with the user's own word. The More button carries the cursor of the page it follows
 * (keyset paging) and the page number it shows.
 */
function parseSearch(args: string): SearchRequest & { page: number } {
  const req: SearchRequest & { page: number } = { query: '', page: 1 };
  const words: string[] = [];
  for (const token of args.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([a-z]+):(.+)$/i.exec(token);
    const word = (m?.[1] ?? '').toLowerCase();
    const option = (Object.keys(OPTIONS) as (keyof typeof OPTIONS)[]).find((o) =>
      (OPTIONS[o] as readonly string[]).includes(word),
    );
    const value = m?.[2] ?? '';
    if (!option) words.push(token);
    else if (option === 'platform') req.platform = value.toLowerCase();
    else if (option === 'author') req.author = value;
    else if (option === 'since' || option === 'until') req[option] = parseDate(value, word);
    else if (option === 'sort') req.sort = RELEVANCE.includes(value.toLowerCase()) ? 'relevance' : 'newest';
    else if (option === 'after') req.after = value;
    else req.page = pageOf(`page:${value}`);
  }
  req.query = words.join(' ');
  if (!req.query) throw new UsageError('give at least one word to search for', 'search.no-words');
  return req;
}

/** `search`: full-text search over every archived version, a page at a time. */
export const search: Command = {
  spec,
  async run({ args, word, lang, deps, pageSize }) {
    const req = parseSearch(args);
    // A page reached by its cursor is that page: no walking from the first.
    const result = await searchArchive(deps.archive, {
      ...req,
      page: req.after ? 1 : req.page,
      limit: pageSize,
    });
    const page = req.page;
    if (!result.hits.length) return textReply(t(lang, 'search.nothing', { query: result.query }));
    const title = result.sort === 'relevance' ? 'search.title-relevance' : 'search.title';
    const b = new ReplyBuilder().header(t(lang, title, { query: result.query }));
    for (const h of result.hits) {
      const status = h.status !== 'live' ? ` · ${term(lang, 'post-status', h.status)}` : '';
      b.section(`*#${h.id}* ${h.author ?? ''} · ${when(h.time)}${status}\n${h.snippet}\n${h.url}`);
    }
    const buttons = result.hits.map((h) => ({
      label: `#${h.id}`,
      command: commandLine(lang, show.spec, h.id),
    }));
    const total = result.total;
    if (total) b.context(t(lang, total.exact ? 'search.total' : 'search.total-more', { n: total.count }));
    if (result.more && result.next) {
      b.context(t(lang, 'search.more', { page }));
      const rest = args.replace(/\s*(page|pagina|after|na):\S+/gi, '').trim();
      buttons.push({
        label: t(lang, 'button.more'),
        command: `${word} ${rest} ${PAGE[lang]}:${page + 1} ${AFTER[lang]}:${result.next}`,
      });
    }
    return b.buttons(buttons).build();
  },
};
