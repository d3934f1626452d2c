import type { Block, Button, Reply } from '../chat/reply.ts';
import { isLongValue } from './kit.ts';

/**
 * The neutral Reply as an Adaptive Card (schema 1.5, what Teams renders on desktop, web and mobile).
 * Every reply is one card: the adapter sends no text bubble beside it (the text is the summary).
 * Buttons are `Action.Submit` with `data: { command }`: Teams delivers a press as an ordinary message
 * activity whose `value.command` is the command, so a press runs exactly what typing it would.
 * Link buttons are `Action.OpenUrl`: the client opens the address itself.
 */

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface CardElement {
  type: string;
  [key: string]: unknown;
}

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: '1.5';
  body: CardElement[];
  /** What a client that cannot render the card (and a notification) shows instead. */
  fallbackText: string;
  msteams: { width: 'Full' };
}

/** What a button press carries back (`Action.Submit` data); the adapter reads `value.command`. */
export interface SubmitData {
  command: string;
}

function actionStyle(style: Button['style']): string {
  if (style === 'primary') return 'positive';
  if (style === 'danger') return 'destructive';
  return 'default';
}

/** One text line: TextBlocks treat a single `\n` differently per client, so each line is its own block. */
function lines(text: string, extra: Record<string, unknown> = {}): CardElement[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => ({
      type: 'TextBlock',
      text: line,
      wrap: true,
      ...(i > 0 ? { spacing: 'None' } : {}),
      ...extra,
    }));
}

/** A section's text: quoted lines (`> …`, a post's words) go in an emphasised container, the rest as text. */
function sectionText(text: string): CardElement[] {
  const out: CardElement[] = [];
  let quote: string[] = [];
  let plain: string[] = [];
  const flushQuote = () => {
    if (quote.length) out.push({ type: 'Container', style: 'emphasis', items: lines(quote.join('\n')) });
    quote = [];
  };
  const flushPlain = () => {
    if (plain.length) out.push(...lines(plain.join('\n')));
    plain = [];
  };
  for (const line of text.split('\n')) {
    const m = /^>\s?(.*)$/.exec(line);
    if (m) {
      flushPlain();
      quote.push(m[1]!);
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushQuote();
  flushPlain();
  return out;
}

/**
 * Fields as a FactSet, except long values (a SHA-256, a WARC file name, a URL): a FactSet clips them,
 * so each gets its name and then the value whole, in a monospace TextBlock that wraps.
 */
function fieldElements(fields: [string, string][]): CardElement[] {
  const out: CardElement[] = [];
  let facts: { title: string; value: string }[] = [];
  const flush = () => {
    if (facts.length) out.push({ type: 'FactSet', facts });
    facts = [];
  };
  for (const [title, value] of fields) {
    if (!isLongValue(value)) {
      facts.push({ title, value });
      continue;
    }
    flush();
    out.push(
      { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true, spacing: 'Small' },
      { type: 'TextBlock', text: value, fontType: 'Monospace', wrap: true, spacing: 'None' },
    );
  }
  flush();
  return out;
}

function blockElements(block: Exclude<Block, { type: 'divider' }>): CardElement[] {
  switch (block.type) {
    case 'header':
      return [
        {
          type: 'TextBlock',
          text: block.text,
          size: 'Large',
          weight: 'Bolder',
          style: 'heading',
          wrap: true,
        },
      ];
    case 'section':
      return [...(block.text ? sectionText(block.text) : []), ...fieldElements(block.fields ?? [])];
    case 'context':
      return lines(block.text, { size: 'Small', isSubtle: true });
    case 'actions':
      return [
        {
          type: 'ActionSet',
          actions: [
            ...block.buttons.map((b) => ({
              type: 'Action.Submit',
              title: b.label,
              style: actionStyle(b.style),
              data: { command: b.command } satisfies SubmitData,
            })),
            // A link opens in the browser (Teams asks nothing of the bot for it).
            ...(block.links ?? []).map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
          ],
        },
      ];
  }
}

/** Renders a Reply as an Adaptive Card: header, sections with FactSets, context, dividers, buttons. */
export function toAdaptiveCard(reply: Reply): AdaptiveCard {
  const body: CardElement[] = [];
  let separate = false;
  for (const block of reply.blocks) {
    if (block.type === 'divider') {
      separate = body.length > 0;
      continue;
    }
    const elements = blockElements(block);
    if (separate && elements[0]) {
      elements[0] = { ...elements[0], separator: true, spacing: 'Medium' };
      separate = false;
    }
    body.push(...elements);
  }
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    fallbackText: reply.text,
    msteams: { width: 'Full' },
  };
}
