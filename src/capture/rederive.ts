/**
 * The connectors' own parsing over stored responses, for `verify`: a post re-derived from the API
 * answer a version's metadata record cites, as the connector read it when capturing. Verify (the
 * export layer) cannot import this layer's sibling, so the composition roots pass it in.
 */
import type { Config } from '../config.ts';
import { canRederive, type Rederived, type RederiveInput } from './connector.ts';
import { MastodonConnector } from './connectors/mastodon.ts';
import { CONNECTOR_FACTORIES } from './registry.ts';

type Json = Record<string, unknown>;

/** The first object in a JSON answer (a status, a thread, a list page) with this `uri` that `is` accepts. */
function findByUri(value: unknown, uri: string, is: (o: Json) => boolean): Json | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findByUri(v, uri, is);
      if (hit) return hit;
    }
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Json;
  if (o.uri === uri && is(o)) return o;
  for (const v of Object.values(o)) {
    const hit = findByUri(v, uri, is);
    if (hit) return hit;
  }
  return null;
}

export type { RederiveInput };

export function connectorRederive(config: Config) {
  const mastodon = new MastodonConnector(config);
  // Every other platform's connector (Bluesky's too) re-derives with its own `rederive` (the Rederiver capability).
  const others = CONNECTOR_FACTORIES.map((f) => f.create(config)).filter(canRederive);
  return async (input: RederiveInput): Promise<Rederived | null> => {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    if (input.platform === 'mastodon') {
      const s = findByUri(json, input.platformId, (o) => typeof o.content === 'string' && 'account' in o);
      if (!s) return null;
      const u = new URL(input.url);
      const api = `${u.protocol}//${u.host}`;
      // biome-ignore lint/suspicious/noExplicitAny: the stored answer is the connector's own input
      const normalise = (x: any) => mastodon.normalise(x, u.host, api, input.url, null).content;
      const edits = s.edited_at ? await input.related(`${api}/api/v1/statuses/${s.id}/history`) : null;
      const history = edits
        ? (JSON.parse(edits.toString('utf8')) as Json[]).map((e) =>
            normalise({
              ...s,
              content: e.content,
              spoiler_text: e.spoiler_text,
              sensitive: e.sensitive,
              media_attachments: e.media_attachments,
              reblog: null,
            }),
          )
        : [];
      return { current: normalise(s), history };
    }
    const own = others.find((c) => c.platform === input.platform);
    return own ? own.rederive(input) : null;
  };
}
