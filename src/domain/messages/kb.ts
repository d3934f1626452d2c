import type { Message } from '../i18n.ts';

/** Messages of the knowledge base in chat (src/chat/knowledge.ts; see src/domain/i18n.ts for the placeholder syntax). */
export const kb = {
  'kb.verdict.archive': { nl: 'Archiveren', en: 'Archive' },
  'kb.verdict.do-not-archive': { nl: 'Niet archiveren', en: 'Do not archive' },
  'kb.verdict.depends': { nl: 'Dat hangt ervan af', en: 'It depends' },
  'kb.verdict.info': { nl: 'Informatie', en: 'Information' },
  'kb.verdict.unknown': { nl: 'Dat weet ik niet', en: "I don't know" },
  'kb.unavailable': {
    nl: 'De kennisbank is nog niet beschikbaar.',
    en: 'The knowledge base is not available yet.',
  },
  'kb.inference': {
    nl: 'Dit antwoord rust (deels) op een afleiding uit de bronnen, niet op een bron die het letterlijk zegt.',
    en: 'This answer rests (partly) on an inference from the sources, not on a source that says it outright.',
  },
  'kb.about-post': {
    nl: 'Over bericht #{id} in het archief ({platform}, {kind} van {handle}, account: {role}).',
    en: 'About archived post #{id} ({platform}, {kind} by {handle}, account: {role}).',
  },
  'kb.post-not-archived': {
    nl: 'Dit bericht zit nog niet in het archief; het antwoord is algemeen. Archiveer het (`archiveer {url}`) voor een antwoord over dit bericht.',
    en: 'This post is not in the archive yet; the answer is general. Capture it (`capture {url}`) for an answer about this post.',
  },
  'kb.followup-unknown': {
    nl: 'Die vervolgvraag ken ik niet (meer); stel je vraag opnieuw.',
    en: "I don't know that follow-up question (any more); please ask again.",
  },
  'kb.suggested': {
    nl: 'Voorstel #{id} staat klaar voor een expert (`{approve}`). Dank je!',
    en: 'Suggestion #{id} is waiting for an expert (`{approve}`). Thank you!',
  },
  'kb.none-pending': { nl: 'Er wachten geen voorstellen.', en: 'No suggestions are waiting.' },
  'kb.pending': {
    nl: '{n} {n|voorstel wacht|voorstellen wachten}',
    en: '{n} {n|suggestion|suggestions} waiting',
  },
  'kb.pending-more': {
    nl: 'En nog {n}; beoordeel eerst deze.',
    en: 'And {n} more; review these first.',
  },
  'kb.approved': {
    nl: 'Voorstel #{id} is goedgekeurd en doet nu mee in de antwoorden.',
    en: 'Suggestion #{id} is approved and now takes part in the answers.',
  },
  'kb.rejected': {
    nl: 'Voorstel #{id} is afgewezen: {reason}',
    en: 'Suggestion #{id} is rejected: {reason}',
  },
  'kb.reject-reason': {
    nl: 'Geef een reden: `kb afwijzen <nummer> <reden>`',
    en: 'Give a reason: `kb reject <number> <reason>`',
  },
  'kb.usage': {
    nl: 'Gebruik: `kb voorstel <vraag> | <antwoord> [| bron]`, `kb wachtend`, `kb goedkeuren <nummer>`, `kb afwijzen <nummer> <reden>`, `kb open`, `kb antwoord <nummer> <antwoord> [| bron]`, `kb overslaan <nummer>`, `kb huisregels`, `kb expert toevoegen <platform:gebruiker> <onderwerp>`, `kb intrekken <nummer>`, `kb overzicht [30d]`',
    en: 'Usage: `kb suggest <question> | <answer> [| source]`, `kb pending`, `kb approve <number>`, `kb reject <number> <reason>`, `kb open`, `kb answer <number> <answer> [| source]`, `kb pass <number>`, `kb rules`, `kb expert add <platform:user> <topic>`, `kb retire <number>`, `kb digest [30d]`',
  },
  'kb.suggest-usage': {
    nl: 'Schrijf het zo: `kb voorstel <vraag> | <antwoord> [| bron]`',
    en: 'Write it as: `kb suggest <question> | <answer> [| source]`',
  },
  'kb.not-an-id': {
    nl: '"{value}" is geen voorstelnummer (zie `kb wachtend`).',
    en: '"{value}" is not a suggestion number (see `kb pending`).',
  },
  'kb.not-found': { nl: 'Er is geen voorstel #{id}.', en: 'There is no suggestion #{id}.' },
  'kb.already-approved': {
    nl: 'Voorstel #{id} is al goedgekeurd door {who} op {date}.',
    en: 'Suggestion #{id} was already approved by {who} on {date}.',
  },
  'kb.already-rejected': {
    nl: 'Voorstel #{id} is al afgewezen door {who} op {date}.',
    en: 'Suggestion #{id} was already rejected by {who} on {date}.',
  },
  'kb.invalid': {
    nl: 'Vraag en antwoord mogen niet leeg zijn; een vraag heeft hoogstens {question} tekens, een antwoord hoogstens {answer}.',
    en: 'The question and the answer must not be empty; a question has at most {question} characters, an answer at most {answer}.',
  },
} satisfies Record<string, Message>;
