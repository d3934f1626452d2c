/**
 * The neutral reply every chat command produces (docs/design.md, "ChatAdapter"): adapters render it as
 * Block Kit (Slack), an Adaptive Card (Teams) or Markdown (Mattermost, shell). `text` is the whole
 * answer as plain text, so every platform (and every notification) says the same thing.
 */
import type { Lang } from '../domain/types.ts';

export type { Lang };

export interface Button {
  label: string;
  /** The command the button runs, as if typed (e.g. `show 12`). */
  command: string;
  style?: 'primary' | 'danger';
}

/**
 * A button that opens a web page instead of running a command (the viewer's "open in browser").
 * Rendered natively where the platform can (a Slack url button, a Teams `Action.OpenUrl`), as a
 * Markdown link in Mattermost (its message attachments have no link buttons), and as the label and
 * the address at the terminal. Unlike a command button it is part of the plain text (`label: url`),
 * so a notification or a client that cannot show the button still carries the link.
 */
export interface LinkButton {
  label: string;
  url: string;
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'section'; text: string; fields?: [string, string][] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'actions'; buttons: Button[]; links?: LinkButton[] };

export interface Reply {
  text: string;
  blocks: Block[];
  /** Answered only to the asker where the platform can (Slack ephemeral); errors and refusals. */
  private?: boolean;
  kind?: 'ok' | 'error' | 'refused' | 'ack';
}

/** Builds a reply and its plain-text form together, so the two never disagree. */
export class ReplyBuilder {
  private readonly blocks: Block[] = [];
  private readonly lines: string[] = [];

  header(text: string): this {
    this.blocks.push({ type: 'header', text });
    this.lines.push(text);
    return this;
  }

  section(text: string, fields?: [string, string][]): this {
    this.blocks.push(fields?.length ? { type: 'section', text, fields } : { type: 'section', text });
    if (text) this.lines.push(text);
    for (const [k, v] of fields ?? []) this.lines.push(`${k}: ${v}`);
    return this;
  }

  context(text: string): this {
    this.blocks.push({ type: 'context', text });
    this.lines.push(text);
    return this;
  }

  divider(): this {
    this.blocks.push({ type: 'divider' });
    return this;
  }

  /** Command buttons, then link buttons, in one row. */
  buttons(buttons: Button[], links: LinkButton[] = []): this {
    // Command buttons are not part of the plain text: each platform shows them its own way (or as
    // commands to type). A link is: its address is what the reader needs when no button shows.
    if (links.length) this.blocks.push({ type: 'actions', buttons, links });
    else if (buttons.length) this.blocks.push({ type: 'actions', buttons });
    for (const l of links) this.lines.push(linkLine(l));
    return this;
  }

  build(extra: Partial<Pick<Reply, 'private' | 'kind'>> = {}): Reply {
    return { text: this.lines.join('\n'), blocks: [...this.blocks], ...extra };
  }
}

export function textReply(text: string, extra: Partial<Pick<Reply, 'private' | 'kind'>> = {}): Reply {
  return new ReplyBuilder().section(text).build(extra);
}

/** A link button as plain text: its label, then the address (`Open in browser: https://…`). */
export function linkLine(l: LinkButton): string {
  return `${l.label}: ${l.url}`;
}

/** A button where it cannot be pressed: its label, then the command to type (`[ja] vraag #v1 1`). */
function typedButton(b: Button): string {
  return b.label.trim().toLowerCase() === b.command.trim().toLowerCase()
    ? b.command
    : `[${b.label}] ${b.command}`;
}

/** A Markdown link; `[`, `]` in the label and `(`, `)` in the address would end it early. */
function markdownLink(l: LinkButton): string {
  const label = l.label.replace(/[[\]]/g, '\\$&');
  const url = l.url.replace(
    /[()\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${label}](${url})`;
}

/**
 * Markdown for Mattermost and the shell: headers bold, fields as a list, buttons as their label and
 * the command to type, each link button on a line of its own: `label: url` (the shell: a terminal
 * shows the address, and most make it clickable) or a Markdown link `[label](url)` (Mattermost).
 */
export function toMarkdown(reply: Reply, links: 'plain' | 'markdown' = 'plain'): string {
  const out: string[] = [];
  for (const b of reply.blocks) {
    switch (b.type) {
      case 'header':
        out.push(`**${b.text}**`);
        break;
      case 'section':
        if (b.text) out.push(b.text);
        for (const [k, v] of b.fields ?? []) out.push(`- ${k}: ${v}`);
        break;
      case 'context':
        out.push(`_${b.text}_`);
        break;
      case 'divider':
        out.push('---');
        break;
      case 'actions':
        if (b.buttons.length) out.push(b.buttons.map(typedButton).join(' · '));
        for (const l of b.links ?? []) out.push(links === 'markdown' ? markdownLink(l) : linkLine(l));
        break;
    }
  }
  return out.join('\n');
}
