/**
 * Redaction for a Woo export: third parties' personal data out, government in. Citizens (authors who
 * do not speak for government, see selection.ts governmentHandles) become "[burger 1]", "[burger 2]"…
 * the same pseudonym everywhere in one export: as author, as @mention, in profile and post URLs, by
 * display name in any text. In a citizen's own text, e-mail addresses and telephone numbers are
 * redacted too, and a citizen's images are left out. Each redaction is logged (what kind, where,
 * the Woo ground), never the value itself.
 */
import type { PostDetail } from '../store/queries.ts';

export const WOO_GROUND = 'art. 5.1 lid 2 sub e Woo (eerbiediging van de persoonlijke levenssfeer)';

export interface Redaction {
  post: number;
  field: string;
  kind: 'naam' | 'account' | 'e-mailadres' | 'telefoonnummer' | 'afbeelding' | 'url';
  replacement: string;
  ground: string;
}

interface Citizen {
  pseudonym: string;
  handle: string;
  name: string | null;
}

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
// Dutch numbers: 06-12345678, 0612345678, +31 6 1234 5678, 020-1234567 (0 or +31, then nine digits).
const PHONE = /(?:\+31[\s-]?|0031[\s-]?|\b0)(?:[\s-]?\d){9}\b/g;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  readonly log: Redaction[] = [];
  private readonly citizens = new Map<string, Citizen>();

  constructor(private readonly government: Set<string>) {}

  /** Is this handle a citizen's (not government)? */
  isCitizen(handle: string | null | undefined): handle is string {
    return Boolean(handle) && !this.government.has(handle!);
  }

  /** Learns an account before any text is scrubbed (citizens only), so its name is found everywhere. */
  know(handle: string, name: string | null): void {
    if (this.isCitizen(handle)) this.citizen(handle, name);
  }

  /** The citizen's pseudonym, numbered in order of first appearance. */
  private citizen(handle: string, name: string | null): Citizen {
    let c = this.citizens.get(handle);
    if (!c) {
      c = { pseudonym: `[burger ${this.citizens.size + 1}]`, handle, name };
      this.citizens.set(handle, c);
    } else if (name && !c.name) c.name = name;
    return c;
  }

  private note(post: number, field: string, kind: Redaction['kind'], replacement: string) {
    this.log.push({ post, field, kind, replacement, ground: WOO_GROUND });
  }

  /** Every citizen's handle, name and URLs in `text` replaced by their pseudonym. */
  private scrub(text: string, post: number, field: string, own: boolean): string {
    let out = text;
    for (const c of this.citizens.values()) {
      const user = c.handle.split('@')[0]!;
      const patterns: [RegExp, Redaction['kind']][] = [
        [new RegExp(`https?://[^\\s]*/@?${escapeRe(user)}(?:@[^\\s/]+)?(?:/[^\\s]*)?`, 'g'), 'url'],
        [new RegExp(`@${escapeRe(user)}(?:@[\\w.:-]+)?\\b`, 'g'), 'account'],
      ];
      if (c.name && c.name.trim().length > 2)
        patterns.push([new RegExp(escapeRe(c.name.trim()), 'g'), 'naam']);
      for (const [re, kind] of patterns) {
        out = out.replace(re, () => {
          this.note(post, field, kind, c.pseudonym);
          return c.pseudonym;
        });
      }
    }
    if (own) {
      out = out.replace(EMAIL, () => {
        this.note(post, field, 'e-mailadres', '[e-mailadres]');
        return '[e-mailadres]';
      });
      out = out.replace(PHONE, () => {
        this.note(post, field, 'telefoonnummer', '[telefoonnummer]');
        return '[telefoonnummer]';
      });
    }
    return out;
  }

  /** Learns the citizens of a post (its author, its replies' authors) before any text is scrubbed. */
  learn(detail: PostDetail): void {
    if (this.isCitizen(detail.post.author)) this.citizen(detail.post.author, detail.post.authorName);
    for (const r of detail.replies) if (this.isCitizen(r.author)) this.citizen(r.author, null);
  }

  /** A redacted copy of the post. */
  redact(detail: PostDetail): PostDetail {
    this.learn(detail);
    const id = detail.post.id;
    const own = this.isCitizen(detail.post.author);
    const d = structuredClone(detail);
    if (own) {
      const c = this.citizen(detail.post.author!, detail.post.authorName);
      d.post.author = c.pseudonym;
      d.post.authorName = c.pseudonym;
      d.post.authorUrl = null;
      this.note(id, 'account', 'account', c.pseudonym);
    }
    d.post.url = this.scrub(d.post.url, id, 'url', own);
    d.post.text = this.scrub(d.post.text, id, 'text', own);
    for (const v of d.versions) {
      v.text = this.scrub(v.text, id, `versie ${v.number}`, own);
      if (v.title) v.title = this.scrub(v.title, id, `versie ${v.number}`, own);
      v.spoilerText = this.scrub(v.spoilerText, id, `versie ${v.number}`, own);
    }
    for (const r of d.replies) {
      const citizen = this.isCitizen(r.author);
      if (citizen) {
        r.author = this.citizen(r.author!, null).pseudonym;
        this.note(id, `reactie ${r.id}`, 'account', r.author);
      }
      r.url = this.scrub(r.url, id, `reactie ${r.id}`, citizen);
      r.text = this.scrub(r.text, id, `reactie ${r.id}`, citizen);
    }
    if (own) {
      for (const m of d.media) {
        m.url = '[afbeelding van een burger]';
        m.description = null;
        this.note(id, `media versie ${m.version}`, 'afbeelding', m.url);
      }
    }
    if (d.post.parent?.url) d.post.parent.url = this.scrub(d.post.parent.url, id, 'parent', false);
    return d;
  }
}
