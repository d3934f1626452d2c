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
} as const;

/** `search <words> [platform:…] [author:…] [since:…] [until:…] [page:n]`, dates checked with the user's own word. */
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
    const result = await searchArchive(deps.archive, { ...req, limit: pageSize });
    if (!result.hits.length) return textReply(t(lang, 'search.nothing', { query: result.query }));
    const b = new ReplyBuilder().header(t(lang, 'search.title', { query: result.query }));
    for (const h of result.hits) {
      const status = h.status !== 'live' ? ` · ${term(lang, 'post-status', h.status)}` : '';
      b.section(`*#${h.id}* ${h.author ?? ''} · ${when(h.time)}${status}\n${h.snippet}\n${h.url}`);
    }
    const buttons = result.hits.map((h) => ({
      label: `#${h.id}`,
      command: commandLine(lang, show.spec, h.id),
    }));
    if (result.more) {
      b.context(t(lang, 'search.more', { page: result.page }));
      const rest = args.replace(/\s*(page|pagina):\d+/i, '').trim();
      buttons.push({
        label: t(lang, 'button.more'),
        command: `${word} ${rest} ${PAGE[lang]}:${result.page + 1}`,
      });
    }
    return b.buttons(buttons).build();
  },
};
