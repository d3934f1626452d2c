import type { types as slack } from '@slack/bolt';
import { guessLanguage } from '../chat/parse.ts';
import type { Block, Lang, LinkButton, Reply } from '../chat/reply.ts';
import { t } from '../domain/i18n.ts';
import { isLongValue } from './kit.ts';

/** Block Kit limits for a message (docs.slack.dev/reference/block-kit): the renderer stays inside them. */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  /** chat.postMessage truncates `text` beyond 40,000 characters; we shorten it ourselves and say so. */
  messageText: 40_000,
} as const;

/** Buttons carry `archief:<n>` as action_id (unique per message) and the command to run as value. */
export const ACTION_ID_PREFIX = 'archief:';
/**
 * Link buttons carry `link:<n>` and a `url`: Slack opens the page and still sends a block_actions,
 * which the adapter acknowledges and ignores (it runs nothing).
 */
const LINK_ACTION_ID_PREFIX = 'link:';

export type SlackBlock =
  | slack.HeaderBlock
  | slack.SectionBlock
  | slack.ContextBlock
  | slack.DividerBlock
  | slack.ActionsBlock;

/** What chat.postMessage, chat.postEphemeral and a response_url take: blocks plus `text` as the fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/**
 * Slack's mrkdwn gives `&`, `<` and `>` a meaning (entities, links, mentions), so they are escaped,
 * except a `>` opening a line: that is a quote, and the neutral reply uses it as one.
 */
export function escapeMrkdwn(text: string): string {
  if (!/[&<>]/.test(text)) return text; // most text: nothing to escape, no copies per line
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${esc(line.slice(1))}` : esc(line)))
    .join('\n');
}

/** The inverse of escapeMrkdwn (what a Slack client shows). */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Cuts escaped text to `max` characters without splitting an entity (`&amp;`) or a surrogate pair. */
function cutAt(text: string, max: number): number {
  let cut = max;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 5 && !text.slice(amp, cut).includes(';')) cut = amp;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}

/** Shortens to at most `max` characters, ending in `…` when something was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, cutAt(text, max - 1))}…`;
}

/** Splits (escaped) text into chunks of at most `max` characters, at a line break or space where possible. */
function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = cutAt(rest, max);
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest) out.push(rest);
  return out;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const mrkdwn = (text: string): slack.MrkdwnElement => ({ type: 'mrkdwn', text });

/** A long value (a hash, a file name, a URL) on a full-width line of its own, as code when it can be. */
function longField(key: string, value: string): string {
  const shown = value.includes('`') ? escapeMrkdwn(value) : `\`${escapeMrkdwn(value)}\``;
  return `*${escapeMrkdwn(key)}*\n${shown}`;
}

function renderSection(block: Extract<Block, { type: 'section' }>): SlackBlock[] {
  const texts = splitText(escapeMrkdwn(block.text), SLACK_LIMITS.sectionText);
  const all = block.fields ?? [];
  // Fields sit in two narrow columns: long values would be cut or broken there, so they follow as text.
  const fields = all
    .filter(([, v]) => !isLongValue(v))
    .map(([k, v]) => mrkdwn(truncate(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(v)}`, SLACK_LIMITS.fieldText)));
  const long = all.filter(([, v]) => isLongValue(v)).map(([k, v]) => longField(k, v));
  const fieldGroups = chunk(fields, SLACK_LIMITS.sectionFields);
  const out: SlackBlock[] = texts.map((t) => ({ type: 'section', text: mrkdwn(t) }));
  // The first group of fields goes with the last piece of text, as in the neutral reply.
  const last = out.at(-1) as slack.SectionBlock | undefined;
  const groups = [...fieldGroups];
  if (last && groups.length) last.fields = groups.shift();
  for (const g of groups) out.push({ type: 'section', fields: g });
  for (const t of splitText(long.join('\n'), SLACK_LIMITS.sectionText)) {
    out.push({ type: 'section', text: mrkdwn(t) });
  }
  return out;
}

function renderContext(text: string): SlackBlock[] {
  const parts = splitText(escapeMrkdwn(text), SLACK_LIMITS.contextText).map(mrkdwn);
  return chunk(parts, SLACK_LIMITS.contextElements).map((elements) => ({ type: 'context', elements }));
}

const buttonText = (label: string): slack.PlainTextElement => ({
  type: 'plain_text',
  text: truncate(label, SLACK_LIMITS.buttonText),
  emoji: true,
});

function renderButtons(
  block: Extract<Block, { type: 'actions' }>,
  nextId: (prefix: string) => string,
  dropped: () => void,
): SlackBlock[] {
  const elements: slack.Button[] = [];
  for (const b of block.buttons) {
    if (b.command.length > SLACK_LIMITS.buttonValue) {
      dropped(); // a cut command would run something else: leave the button out, and say so
      continue;
    }
    const button: slack.Button = {
      type: 'button',
      text: buttonText(b.label),
      value: b.command,
      action_id: nextId(ACTION_ID_PREFIX),
    };
    if (b.style) button.style = b.style;
    elements.push(button);
  }
  for (const l of block.links ?? []) {
    // A cut address leads elsewhere: too long a link stays out (the message's text still has it).
    if (l.url.length > SLACK_LIMITS.buttonUrl) dropped();
    else elements.push(linkButton(l, nextId(LINK_ACTION_ID_PREFIX)));
  }
  return chunk(elements, SLACK_LIMITS.actionsElements).map((els) => ({ type: 'actions', elements: els }));
}

/** A Block Kit url button: Slack opens the address in the browser. */
function linkButton(l: LinkButton, actionId: string): slack.Button {
  return { type: 'button', text: buttonText(l.label), url: l.url, action_id: actionId };
}

function shortenedNote(lang: Lang, blocks: number, buttons: number, text: boolean): string {
  const parts: string[] = [];
  if (blocks) parts.push(t(lang, 'bots.slack.shortened.blocks', { n: blocks, max: SLACK_LIMITS.blocks }));
  if (buttons) parts.push(t(lang, 'bots.slack.shortened.buttons', { n: buttons }));
  if (text) parts.push(t(lang, 'bots.slack.shortened.text'));
  return t(lang, 'bots.slack.shortened', { parts: parts.join('; ') });
}

/**
 * Renders a neutral Reply as a Block Kit message: header → header, section → mrkdwn section (split
 * at 3,000 characters, at most 10 fields of 2,000 per section), context → context, divider,
 * actions → buttons whose value is the command to run, and url buttons for links. Stays within 50 blocks; whatever does not
 * fit is announced in the message (and its text), never dropped silently.
 */
export function renderReply(reply: Reply): SlackMessage {
  const lang: Lang = guessLanguage(reply.text) ?? 'nl';
  let ids = 0;
  let droppedButtons = 0;
  const nextId = (prefix: string) => `${prefix}${ids++}`;
  const blocks: SlackBlock[] = [];
  for (const b of reply.blocks) {
    switch (b.type) {
      case 'header': {
        const text = b.text.replace(/`/g, '').trim();
        if (text)
          blocks.push({
            type: 'header',
            text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true },
          });
        break;
      }
      case 'section':
        blocks.push(...renderSection(b));
        break;
      case 'context':
        if (b.text) blocks.push(...renderContext(b.text));
        break;
      case 'divider':
        blocks.push({ type: 'divider' });
        break;
      case 'actions':
        blocks.push(
          ...renderButtons(b, nextId, () => {
            droppedButtons++;
          }),
        );
        break;
    }
  }
  let text = escapeMrkdwn(reply.text);
  // Room for the note about what was cut: the text keeps a margin, the blocks one free slot.
  const textTooLong = text.length > SLACK_LIMITS.messageText - 1000;
  if (textTooLong) text = text.slice(0, cutAt(text, SLACK_LIMITS.messageText - 1000));
  const otherCuts = droppedButtons > 0 || textTooLong;
  const overflow = blocks.length > SLACK_LIMITS.blocks || (otherCuts && blocks.length >= SLACK_LIMITS.blocks);
  const droppedBlocks = overflow ? blocks.length - (SLACK_LIMITS.blocks - 1) : 0;
  if (droppedBlocks || otherCuts) {
    const note = shortenedNote(lang, droppedBlocks, droppedButtons, textTooLong);
    const kept = blocks.slice(0, blocks.length - droppedBlocks);
    kept.push({ type: 'context', elements: [mrkdwn(escapeMrkdwn(note))] });
    return { text: `${text}\n${escapeMrkdwn(note)}`, blocks: kept };
  }
  return { text, blocks };
}
