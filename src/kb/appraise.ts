/**
 * Facts of an archived post, and its appraisal (waardering) for the capture pipeline: B (bewaren, keep
 * permanently), V (vernietigen, destroy after the term of the selectielijst) or null (not appraised:
 * a person must decide, or the post is not a record of the organisation). Pure.
 */

import type { Appraisal } from '../domain/types.ts';
import { analyse } from './analyse.ts';
import { source } from './content.ts';
import { extractFacts, type Facts } from './facts.ts';
import { RULES } from './rules.ts';

export type { Appraisal };

/** What the archive knows about a post (account role and post kind as in src/core/types.ts). */
export interface PostFacts {
  platform: string;
  kind: 'post' | 'reply' | 'repost' | 'comment' | 'story' | 'page';
  accountRole: 'corporate' | 'bewindspersoon' | 'official' | 'other' | null;
  /** The post was made by the organisation's own account (known even when the role is not set). */
  authorIsOrganisation?: boolean;
}

/** The facts of an archived post, for ask(question, { facts }) ("moet ik dit archiveren? <url>"). */
/**
 * The role as the knowledge base reads it, from the role the archive stores for an account. The
 * archive stores `other` for every account whose role nobody set: for the rules that is unknown
 * (null), not a third party.
 */
export function roleOfAccount(stored: string | null | undefined): PostFacts['accountRole'] {
  return stored === 'corporate' || stored === 'bewindspersoon' || stored === 'official' ? stored : null;
}

export function factsFromPost(p: PostFacts): Partial<Facts> {
  const f: Partial<Facts> = { platform: p.platform };
  const role =
    p.authorIsOrganisation && (p.accountRole === null || p.accountRole === 'other')
      ? 'corporate'
      : p.accountRole;
  if (role === 'corporate') {
    f.account = 'corporate';
    f.author = 'organisation';
  } else if (role === 'bewindspersoon') {
    f.account = 'bewindspersoon';
    f.author = 'bewindspersoon';
  } else if (role === 'official') {
    f.account = 'civil-servant';
    f.author = 'civil-servant';
  } else if (role === 'other') {
    f.author = 'third-party';
  }
  const government = role === 'corporate' || role === 'bewindspersoon' || role === 'official';
  switch (p.kind) {
    case 'post':
      f.content = 'post';
      break;
    case 'reply':
    case 'comment':
      f.content = government ? 'webcare' : role === 'other' ? 'comment' : 'post';
      break;
    case 'repost':
      f.content = 'repost';
      break;
    case 'story':
      f.content = 'story';
      break;
    case 'page':
      f.content = 'webpage';
      break;
  }
  return f;
}

function result(
  valuation: Appraisal['valuation'],
  rule: string | null,
  inference: boolean,
  reason: string,
  termYears: number | null = null,
): Appraisal {
  return {
    valuation,
    rule,
    termYears,
    inference,
    reason,
    basis: rule ? RULES[rule]!.sources.map(source) : [],
  };
}

/** Appraises one captured post; `text` (its current text) lets hotspots and private content show. */
export function appraise(p: PostFacts & { text?: string }): Appraisal {
  const f = factsFromPost(p);
  const t = p.text ? extractFacts(analyse(p.text)) : undefined;
  const hotspot = t?.hotspot === true;
  const privateContent = t?.publicTask === false;
  const formal =
    t?.formal === true
      ? ' It seems to announce a formal decision: make sure the decision itself is in the formal file (R11).'
      : '';

  if (f.account === undefined && f.author === undefined) {
    return result(
      null,
      null,
      false,
      'Not appraised: the account’s role is not known. Set it (corporate, bewindspersoon, official or other) to appraise its posts.',
    );
  }
  if (f.author === 'third-party') {
    if (f.content === 'comment')
      return result(
        null,
        'R9',
        false,
        'A comment by someone else: context of the post it replies to, appraised with that post. Minimise personal data and record access restrictions (beperkingGebruik).',
      );
    return result(
      null,
      'R1',
      false,
      'Not an account of the organisation: not a record of its own, unless received while carrying out a task.',
    );
  }
  if (f.account === 'bewindspersoon') {
    if (privateContent && !hotspot)
      return result(
        null,
        'R4',
        false,
        'Posted by a minister, but it may be private or party-political: a person must judge whether it was posted in role (then B under R3) or not (then it is no record, R4).',
      );
    if (f.content === 'repost')
      return result(
        'B',
        'R17',
        true,
        `A repost by a minister in role: context of the account, kept with it (B).${formal}`,
      );
    return result(
      'B',
      'R3',
      true,
      `Posted by a minister or state secretary in role: keep permanently (B), transfer to the Nationaal Archief after 20 years (10 under the new Archiefwet). Permanence is an inference from the ACOI advice on ministers’ chat messages.${formal}`,
    );
  }
  if (f.account === 'civil-servant') {
    if (privateContent)
      return result(
        null,
        'R4',
        false,
        'A civil servant’s post that looks private: a person must judge whether it relates to the work (then it is a record, R5) or not (R4).',
      );
    return result(
      null,
      'R5',
      true,
      'A civil servant’s work post is a record (R1, R5), but no default valuation applies: its term follows the selectielijst of the process it belongs to.',
    );
  }
  // The organisation's own account.
  if (hotspot)
    return result(
      'B',
      'R12',
      false,
      `About a hotspot (crisis or major event): keep permanently (B), even where the selectielijst would allow destruction.${formal}`,
    );
  if (f.content === 'webcare')
    return result(
      'V',
      'R10',
      true,
      `A webcare reply by the organisation: destroy after the term of the organisation’s selectielijst (V). No Rijk-wide term was found (probably short, unverified), so the term is left to the selectielijst.${formal}`,
    );
  if (f.content === 'repost')
    return result(
      'B',
      'R17',
      true,
      'A repost by the organisation’s account: part of the account’s information object, kept with it (B) until the selectielijst says otherwise.',
    );
  return result(
    'B',
    'R2',
    true,
    `On the organisation’s corporate account: keep permanently (B) until the selectielijst appraises it otherwise, by analogy with the guideline for archiving government websites.${formal}`,
  );
}
