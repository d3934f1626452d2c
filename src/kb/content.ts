/**
 * The guidance content: src/kb/content/sources.yaml (every cited source) and
 * src/kb/content/guidance/*.yaml (one entry per topic). Read and validated once, on first use, and kept:
 * answering a question does no I/O.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

import type { Lang, Source } from '../domain/types.ts';
import { PACKAGE_ROOT } from '../version.ts';

export type { Lang, Source };
export interface Localised {
  nl: string;
  en: string;
}
export interface Entry {
  id: string;
  title: Localised;
  keywords: string[];
  basis: string;
  inference: boolean;
  sources: Source[];
  rules: string[];
  answer: Localised;
  /** The guidance file it came from (for error messages and the README). */
  file: string;
}
export interface Content {
  entries: Entry[];
  sources: Record<string, Source>;
}

export const CONTENT_DIR = path.join(PACKAGE_ROOT, 'src', 'kb', 'content');
export const RULE_IDS = Array.from({ length: 18 }, (_, i) => `R${i + 1}`);

const localised = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
const sourceSchema = z.object({ title: z.string().min(1), url: z.string().url() }).strict();
const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'ids are lower-case words joined by hyphens'),
    title: localised,
    keywords: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    basis: z.string().min(1),
    inference: z.boolean(),
    sources: z.array(z.union([z.string(), sourceSchema])).min(1, 'every entry cites at least one source'),
    rules: z.array(z.string()).default([]),
    answer: localised,
  })
  .strict();

/** Validates and resolves raw content; throws one error naming every problem. */
export function buildContent(rawSources: unknown, files: { file: string; data: unknown }[]): Content {
  const problems: string[] = [];
  const sources: Record<string, Source> = {};
  if (typeof rawSources !== 'object' || rawSources === null) throw new Error('sources.yaml: not a mapping');
  for (const [id, value] of Object.entries(rawSources)) {
    const parsed = sourceSchema.safeParse(value);
    if (parsed.success) sources[id] = parsed.data;
    else problems.push(`sources.yaml ${id}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const { file, data } of files) {
    if (!Array.isArray(data)) {
      problems.push(`${file}: must be a list of entries`);
      continue;
    }
    data.forEach((raw, i) => {
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success) {
        const where = `${file} entry ${i + 1}${(raw as { id?: string })?.id ? ` (${(raw as { id: string }).id})` : ''}`;
        for (const issue of parsed.error.issues)
          problems.push(`${where}: ${issue.path.join('.')} ${issue.message}`);
        return;
      }
      const e = parsed.data;
      if (seen.has(e.id)) problems.push(`${file}: duplicate entry id ${e.id}`);
      seen.add(e.id);
      const resolved: Source[] = [];
      for (const s of e.sources) {
        if (typeof s !== 'string') resolved.push(s);
        else if (sources[s]) resolved.push(sources[s]);
        else problems.push(`${file} ${e.id}: unknown source id ${s} (add it to sources.yaml)`);
      }
      for (const r of e.rules) if (!RULE_IDS.includes(r)) problems.push(`${file} ${e.id}: unknown rule ${r}`);
      entries.push({ ...e, sources: resolved, file });
    });
  }
  if (problems.length) throw new Error(`knowledge-base content is invalid:\n  ${problems.join('\n  ')}`);
  return { entries, sources };
}

/** Reads the content from a directory laid out like src/kb/content. */
export function loadContent(dir = CONTENT_DIR): Content {
  const rawSources = parse(readFileSync(path.join(dir, 'sources.yaml'), 'utf8'));
  const guidanceDir = path.join(dir, 'guidance');
  const files = readdirSync(guidanceDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ file: `guidance/${f}`, data: parse(readFileSync(path.join(guidanceDir, f), 'utf8')) }));
  return buildContent(rawSources, files);
}

let cached: Content | undefined;

/** The built-in content, read on first use and kept for the life of the process. */
export function content(): Content {
  cached ??= loadContent();
  return cached;
}

/** A source by its id in sources.yaml (rules cite sources this way); throws on a typo. */
export function source(id: string): Source {
  const s = content().sources[id];
  if (!s) throw new Error(`knowledge base: unknown source id ${id}`);
  return s;
}
