import { type HTMLElement, parse } from 'node-html-parser';

const BLOCKS = new Set([
  'p',
  'div',
  'li',
  'blockquote',
  'section',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'pre',
]);
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'object']);

function collapse(text: string): string {
  return text
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function walk(node: HTMLElement, out: string[]): void {
  for (const child of node.childNodes) {
    if (child.nodeType === 3) {
      out.push(child.text.replace(/\s+/g, ' '));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const el = child as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (
      HIDDEN.has(tag) ||
      el.getAttribute('hidden') !== undefined ||
      el.getAttribute('aria-hidden') === 'true'
    )
      continue;
    if (tag === 'br') {
      out.push('\n');
      continue;
    }
    const block = BLOCKS.has(tag);
    if (block) out.push('\n\n');
    walk(el, out);
    if (block) out.push('\n\n');
  }
}

/** Visible text of an HTML fragment or page: paragraphs as blank lines, <br> as newlines, entities decoded. */
export function htmlToText(html: string): string {
  const root = parse(html, { blockTextElements: { pre: true } });
  const out: string[] = [];
  walk(root, out);
  return collapse(out.join(''));
}

export interface PageInfo {
  title: string | null;
  text: string;
  author: string | null;
  publishedAt: string | null;
  images: { url: string; alt: string | null }[];
}

/** Title, visible body text, author/date metadata and the direct images of a web page. */
export function pageInfo(html: string, baseUrl: string, maxImages = 50): PageInfo {
  const root = parse(html);
  const meta = (sel: string) => root.querySelector(sel)?.getAttribute('content')?.trim() || null;
  const title = root.querySelector('title')?.text.trim() || meta('meta[property="og:title"]');
  const body = root.querySelector('body') ?? root;
  const out: string[] = [];
  walk(body, out);
  const images: PageInfo['images'] = [];
  const seen = new Set<string>();
  for (const img of root.querySelectorAll('img')) {
    const src = img.getAttribute('src');
    if (!src || src.startsWith('data:')) continue;
    let abs: string;
    try {
      abs = new URL(src, baseUrl).href;
    } catch {
      continue;
    }
    if (!/^https?:/.test(abs) || seen.has(abs)) continue;
    seen.add(abs);
    images.push({ url: abs, alt: img.getAttribute('alt')?.trim() || null });
    if (images.length >= maxImages) break;
  }
  const published = meta('meta[property="article:published_time"]') ?? meta('meta[name="date"]');
  return {
    title: title ? collapse(title) : null,
    text: collapse(out.join('')),
    author: meta('meta[name="author"]') ?? meta('meta[property="article:author"]'),
    publishedAt: published && !Number.isNaN(Date.parse(published)) ? new Date(published).toISOString() : null,
    images,
  };
}
