import { z } from 'zod';
import type { HttpSession } from '../../http.ts';

/**
 * Where an account's repository lives: its DID document's `#atproto_pds` service
 * (https://atproto.com/specs/did). `did:plc` documents come from the PLC directory
 * (`bluesky.plcUrl`, ARCHIEFBOT_PLC_URL; https://plc.directory), `did:web` ones from
 * `https://<host>/.well-known/did.json` (plain http for localhost, as @atproto/identity does for
 * development networks). The answers are recorded with the capture that asked (evidence of where an
 * original came from) and cached for the life of the process: a PDS moves rarely, and a capture that
 * finds the blob gone there reports it.
 */
const DidDocument = z.object({
  id: z.string(),
  service: z
    .array(z.object({ id: z.string(), type: z.string().optional(), serviceEndpoint: z.unknown() }))
    .optional(),
});

export type PdsLookup = { pds: string } | { problem: string };

const cache = new Map<string, { lookup: Promise<PdsLookup>; until: number }>();
/** A failed look-up is not asked again for this long: an unreachable directory must not slow every capture. */
const RETRY_FAILED_MS = 5 * 60_000;

/** The URL of a DID's document, or null for a DID method atproto does not use. */
export function didDocumentUrl(did: string, plcUrl: string): string | null {
  if (/^did:plc:[a-z2-7]+$/.test(did)) return `${plcUrl.replace(/\/+$/, '')}/${did}`;
  const web = /^did:web:([^:]+)$/.exec(did);
  if (!web) return null;
  const host = decodeURIComponent(web[1]!);
  const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host);
  return `${local ? 'http' : 'https'}://${host}/.well-known/did.json`;
}

/** The PDS endpoint a DID document names, or why there is none. */
export function pdsOf(doc: unknown, did: string): PdsLookup {
  const parsed = DidDocument.safeParse(doc);
  if (!parsed.success) return { problem: 'the DID document is not in the shape the DID spec gives' };
  if (parsed.data.id !== did) return { problem: `the DID document is for ${parsed.data.id}, not ${did}` };
  const service = (parsed.data.service ?? []).find(
    (s) => s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`,
  );
  const endpoint = service?.serviceEndpoint;
  if (
    typeof endpoint !== 'string' ||
    !URL.canParse(endpoint) ||
    !/^https?:$/.test(new URL(endpoint).protocol)
  )
    return { problem: 'the DID document names no #atproto_pds service endpoint' };
  return { pds: endpoint.replace(/\/+$/, '') };
}

/** The PDS of an account, resolved once per process (a failure is asked again after five minutes). */
export function resolvePds(did: string, plcUrl: string, http: HttpSession): Promise<PdsLookup> {
  const url = didDocumentUrl(did, plcUrl);
  if (!url) return Promise.resolve({ problem: `${did} is not a did:plc or did:web` });
  const key = `${plcUrl}\u0000${did}`;
  const held = cache.get(key);
  if (held && held.until > Date.now()) return held.lookup;
  const asked = (async (): Promise<PdsLookup> => {
    try {
      const { res, data } = await http.json<unknown>(url);
      if (res.status !== 200)
        return { problem: `${new URL(url).host} answered HTTP ${res.status} for ${did}` };
      return pdsOf(data, did);
    } catch (err) {
      return { problem: (err as Error).message };
    }
  })();
  cache.set(key, { lookup: asked, until: Number.POSITIVE_INFINITY });
  void asked.then((r) => {
    if ('problem' in r) cache.set(key, { lookup: asked, until: Date.now() + RETRY_FAILED_MS });
  });
  return asked;
}
