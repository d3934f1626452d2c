/** Re-checking Graph objects in batches (Facebook Pages and Instagram share it). */
import { z } from 'zod';
import type { NormalisedPost } from '../../../domain/types.ts';
import type { CheckRef, CheckResult } from '../../connector.ts';
import type { HttpSession } from '../../http.ts';
import { DISPLAY, type Graph, GraphFailure, type MetaToken } from './graph.ts';

/** How many ids one `?ids=` look-up carries (Graph's documented limit is 50). */
export const IDS_PER_REQUEST = 50;

/** Refs that are asked together: the same token and the same field list (one node type). */
export interface CheckGroup {
  key: string;
  token: MetaToken & { token: string };
  fields: string;
  /** The page or Instagram account the objects belong to: asked when one is gone, to tell deleted from lost access. */
  owner: string;
  normalise(o: unknown, sourceUrl: string): NormalisedPost;
}

function reason(err: unknown): string {
  return (err as Error).message;
}

/**
 * Re-checks refs with `?ids=` per group. A ref the answer leaves out, or every ref of a batch Graph
 * refuses with "does not exist" (one gone id fails the whole look-up), is asked for on its own.
 */
export async function batchCheck(
  refs: CheckRef[],
  opts: {
    graph: Graph;
    http: HttpSession;
    group: (ref: CheckRef) => Promise<CheckGroup>;
    schema: z.ZodType;
  },
): Promise<Map<string, CheckResult>> {
  const out = new Map<string, CheckResult>();
  const groups = new Map<string, { g: CheckGroup; refs: CheckRef[] }>();
  for (const ref of refs) {
    try {
      const g = await opts.group(ref);
      const entry = groups.get(g.key) ?? { g, refs: [] };
      entry.refs.push(ref);
      groups.set(g.key, entry);
    } catch (err) {
      out.set(ref.platformId, { state: 'error', reason: reason(err) });
    }
  }
  for (const { g, refs: list } of groups.values()) {
    for (let i = 0; i < list.length; i += IDS_PER_REQUEST) {
      const chunk = list.slice(i, i + IDS_PER_REQUEST);
      await checkChunk(chunk, g, opts, out);
    }
  }
  return out;
}

async function checkChunk(
  chunk: CheckRef[],
  g: CheckGroup,
  opts: { graph: Graph; http: HttpSession; schema: z.ZodType },
  out: Map<string, CheckResult>,
): Promise<void> {
  const { graph, http } = opts;
  const url = graph.url('', { ids: chunk.map((r) => r.platformId).join(','), fields: g.fields });
  let found: Record<string, unknown> = {};
  try {
    found = await graph.get(http, url, z.record(z.string(), opts.schema), 'a batch check', {
      page: url,
      token: g.token,
    });
  } catch (err) {
    if (!(err instanceof GraphFailure && err.kind === 'gone')) {
      for (const r of chunk) out.set(r.platformId, { state: 'error', reason: reason(err) });
      return;
    }
  }
  for (const r of chunk) {
    const o = found[r.platformId];
    let result: CheckResult;
    try {
      result = o ? { state: 'live', post: g.normalise(o, url) } : await confirm(r, g, opts);
    } catch (err) {
      result = { state: 'error', reason: reason(err) };
    }
    out.set(r.platformId, result);
  }
}

/** One object asked for on its own; "gone" counts as deleted only while its page or account still answers. */
async function confirm(
  ref: CheckRef,
  g: CheckGroup,
  opts: { graph: Graph; http: HttpSession; schema: z.ZodType },
): Promise<CheckResult> {
  const { graph, http } = opts;
  const ctx = { page: ref.url, token: g.token };
  const url = graph.url(ref.platformId, { fields: g.fields });
  try {
    return {
      state: 'live',
      post: g.normalise(await graph.get(http, url, opts.schema, 'the post', ctx), url),
    };
  } catch (err) {
    if (err instanceof GraphFailure && err.kind === 'permission')
      return { state: 'unavailable', reason: err.message };
    if (!(err instanceof GraphFailure && err.kind === 'gone')) return { state: 'error', reason: reason(err) };
  }
  const platform = DISPLAY[graph.platform];
  try {
    await graph.get(
      http,
      graph.url(g.owner, { fields: 'id' }),
      z.object({ id: z.string() }),
      'the page',
      ctx,
    );
  } catch (err) {
    if (err instanceof GraphFailure && (err.kind === 'gone' || err.kind === 'permission'))
      return {
        state: 'unavailable',
        reason: `${platform} no longer shows the page or account itself to its token (${err.message})`,
      };
    return { state: 'error', reason: reason(err) };
  }
  return {
    state: 'deleted',
    reason: `${platform} answers "does not exist" (#100/33) for the post while its page still answers (asked twice)`,
  };
}

/** The fullest object with this `id` anywhere in a stored Graph answer (an object, a list, a multi-id map). */
export function findById(value: unknown, id: string): unknown {
  let best: Record<string, unknown> | null = null;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.id === id && (!best || Object.keys(o).length > Object.keys(best).length)) best = o;
    for (const x of Object.values(o)) walk(x);
  };
  walk(value);
  return best;
}
