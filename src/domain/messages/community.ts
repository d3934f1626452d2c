import type { Message } from '../i18n.ts';

/**
 * Messages of the knowledge community (issue 18): open questions, experts' answers, the leader's
 * house rules and the digest (src/chat/community.ts, src/chat/commands/kb.ts, src/cli/commands/kb.ts,
 * src/kb/community.ts).
 */
export const community = {
  'community.expert-answer': {
    nl: 'Uit de kenniscommunity: “{answer}” (beantwoord door {expert}, goedgekeurd door {approver} op {date}).',
    en: 'From the knowledge community: “{answer}” (answered by {expert}, approved by {approver} on {date}).',
  },
  'community.answer-usage': {
    nl: 'Schrijf het zo: `kb antwoord <nummer> <antwoord> [| bron]`.',
    en: 'Write it as: `kb answer <number> <answer> [| source]`.',
  },
  'community.asker-open': {
    nl: 'Ik heb je vraag doorgezet naar de experts (open vraag {id}, {asked} keer gesteld). Je krijgt het antwoord hier zodra een expert het heeft gegeven en een tweede expert het heeft goedgekeurd.',
    en: 'I have passed your question to the experts (open question {id}, asked {asked} {asked|time|times}). You will get the answer here once an expert has given it and a second expert has approved it.',
  },
  'community.unhelpful-button': { nl: 'Dit hielp niet', en: 'This did not help' },
  'community.unhelpful-done': {
    nl: 'Dank je. Ik heb je vraag doorgezet naar de experts (open vraag {id}); je krijgt het antwoord hier zodra het is goedgekeurd.',
    en: 'Thank you. I have passed your question to the experts (open question {id}); you will get the answer here once it is approved.',
  },
  'community.cli-open': {
    nl: 'Doorgezet naar de experts als open vraag {id} (archiefbot kb open).',
    en: 'Passed to the experts as open question {id} (archiefbot kb open).',
  },
  'community.unhelpful-unknown': {
    nl: 'Die vraag ken ik niet (meer); stel hem opnieuw.',
    en: "I don't know that question (any more); please ask it again.",
  },
  'community.new-question': { nl: 'Nieuwe open vraag {id}', en: 'New open question {id}' },
  'community.question-line': {
    nl: '“{question}”\nGesteld door {asker}; onderwerp: {topic}; {reason}.',
    en: '“{question}”\nAsked by {asker}; topic: {topic}; {reason}.',
  },
  'community.attempt': { nl: 'Het antwoord van de bot: {answer}', en: "The bot's answer: {answer}" },
  'community.reason.unknown': { nl: 'de kennisbank wist het niet', en: 'the knowledge base did not know' },
  'community.reason.low-confidence': {
    nl: 'de kennisbank was niet zeker van haar antwoord',
    en: 'the knowledge base was unsure of its answer',
  },
  'community.reason.unhelpful': {
    nl: 'de vrager vond het antwoord niet behulpzaam',
    en: 'the asker found the answer unhelpful',
  },
  'community.topic-none': { nl: 'algemeen', en: 'general' },
  'community.for-experts': {
    nl: 'Voor de experts op {topic}: {names}.',
    en: 'For the experts on {topic}: {names}.',
  },
  'community.button-answer': { nl: 'Beantwoorden', en: 'Answer' },
  'community.button-pass': { nl: 'Overslaan', en: 'Pass' },
  'community.button-approve': { nl: 'Goedkeuren', en: 'Approve' },
  'community.how-to-answer': {
    nl: 'Beantwoorden: `{command} <antwoord> [| bron]`',
    en: 'To answer: `{command} <answer> [| source]`',
  },
  'community.open-none': { nl: 'Er staan geen open vragen.', en: 'There are no open questions.' },
  'community.open-title': {
    nl: '{n} open {n|vraag|vragen}',
    en: '{n} open {n|question|questions}',
  },
  'community.open-line': {
    nl: '*{id}* ({asked}×, {topic}) {question}',
    en: '*{id}* ({asked}×, {topic}) {question}',
  },
  'community.open-waiting': {
    nl: 'beantwoord door {expert} als #{entry}, wacht op een tweede expert',
    en: 'answered by {expert} as #{entry}, waiting for a second expert',
  },
  'community.open-passed': { nl: 'overgeslagen door {names}', en: 'passed by {names}' },
  'community.answered': {
    nl: 'Je antwoord op open vraag {id} is bewaard als #{entry}; een tweede expert (of de leider) keurt het goed met `{approve}`.',
    en: 'Your answer to open question {id} is kept as #{entry}; a second expert (or the leader) approves it with `{approve}`.',
  },
  'community.answer-waiting': {
    nl: '{expert} heeft open vraag {id} beantwoord: “{answer}”. Een tweede expert keurt het goed met `{approve}`.',
    en: '{expert} answered open question {id}: “{answer}”. A second expert approves it with `{approve}`.',
  },
  'community.approved': {
    nl: 'Goedgekeurd: #{entry} beantwoordt nu open vraag {id}; {n} {n|vrager krijgt|vragers krijgen} het antwoord in {n|zijn|hun} draad.',
    en: 'Approved: #{entry} now answers open question {id}; {n} {n|asker gets|askers get} the answer in their thread.',
  },
  'community.to-asker': {
    nl: 'De experts hebben je vraag beantwoord',
    en: 'The experts answered your question',
  },
  'community.rejected-answer': {
    nl: 'Afgewezen: #{entry}; open vraag {id} staat weer open. Reden: {reason}',
    en: 'Rejected: #{entry}; open question {id} is open again. Reason: {reason}',
  },
  'community.own-answer': {
    nl: '#{entry} is je eigen antwoord: een andere expert (of de leider) keurt het goed.',
    en: '#{entry} is your own answer: another expert (or the leader) approves it.',
  },
  'community.passed': {
    nl: 'Je slaat open vraag {id} over; hij blijft open voor de andere experts.',
    en: 'You pass on open question {id}; it stays open for the other experts.',
  },
  'community.rules-title': {
    nl: 'Huisregels van de kenniscommunity',
    en: 'House rules of the knowledge community',
  },
  'community.rules-default': {
    nl: 'Geen vraag is te voor de hand liggend. Wat de kennisbank niet weet, beantwoorden de experts van het onderwerp; een tweede expert keurt elk antwoord goed voordat het voor iedereen geldt. Noem je bron, deel geen persoonsgegevens en wees vriendelijk.',
    en: 'No question is too obvious. What the knowledge base does not know, the experts of the topic answer; a second expert approves every answer before it holds for everyone. Name your source, share no personal data and be kind.',
  },
  'community.rules-by': { nl: 'Vastgesteld door {by} op {date}.', en: 'Set by {by} on {date}.' },
  'community.rules-set': {
    nl: 'De huisregels zijn vastgesteld; iedereen ziet ze bij het volgende gebruik.',
    en: 'The house rules are set; everyone sees them on their next use.',
  },
  'community.first-use': {
    nl: 'Welkom bij de kenniscommunity. Huisregels: {rules}',
    en: 'Welcome to the knowledge community. House rules: {rules}',
  },
  'community.expert-usage': {
    nl: 'Schrijf het zo: `kb expert toevoegen <platform:gebruiker> <onderwerp>`.',
    en: 'Write it as: `kb expert add <platform:user> <topic>`.',
  },
  'community.expert-added': {
    nl: '{expert} is nu expert op {topic}.',
    en: '{expert} is now an expert on {topic}.',
  },
  'community.expert-already': {
    nl: '{expert} was al expert op {topic}.',
    en: '{expert} was already an expert on {topic}.',
  },
  'community.expert-no-role': {
    nl: '{expert} heeft in roles.yaml nog geen rol expert: pas met die rol kan hij antwoorden en goedkeuren.',
    en: '{expert} has no expert role in roles.yaml yet: only with that role can they answer and approve.',
  },
  'community.retire-usage': {
    nl: 'Schrijf het zo: `kb intrekken <nummer> [reden]`.',
    en: 'Write it as: `kb retire <number> [reason]`.',
  },
  'community.retired': {
    nl: '#{entry} is ingetrokken: het telt niet meer mee in de antwoorden, en blijft bewaard met zijn geschiedenis.',
    en: '#{entry} is retired: it no longer counts in the answers, and is kept with its history.',
  },
  'community.not-an-id': {
    nl: '"{value}" is geen nummer (zie `kb open`).',
    en: '"{value}" is not a number (see `kb open`).',
  },
  'community.not-found': {
    nl: 'Open vraag of item {id} bestaat niet.',
    en: 'There is no open question or entry {id}.',
  },
  'community.already-answered': {
    nl: '{id} is al beantwoord of beoordeeld: zie `kb open` en `kb wachtend`.',
    en: '{id} was already answered or reviewed: see `kb open` and `kb pending`.',
  },
  'community.digest-title': {
    nl: 'Kenniscommunity: overzicht sinds {since}',
    en: 'Knowledge community: digest since {since}',
  },
  'community.digest-asked': { nl: 'Vragen gesteld', en: 'Questions asked' },
  'community.digest-guidance': { nl: 'Beantwoord door de handreiking', en: 'Answered by the guidance' },
  'community.digest-experts': { nl: 'Beantwoord door experts', en: 'Answered by experts' },
  'community.digest-open': { nl: 'Nog open', en: 'Still open' },
  'community.digest-median': { nl: 'Mediaan tot een expertantwoord', en: 'Median time to an expert answer' },
  'community.digest-hours': { nl: '{h} uur', en: '{h} {h|hour|hours}' },
  'community.digest-none': { nl: 'nog geen', en: 'none yet' },
  'community.digest-top': { nl: 'Meest gestelde open vragen:', en: 'Most asked open questions:' },
  'community.digest-top-line': { nl: '{id}: {question} ({asked}×)', en: '{id}: {question} ({asked}×)' },
  'community.digest-unhelpful': {
    nl: 'Niet behulpzaam gevonden:',
    en: 'Found unhelpful:',
  },
  'community.digest-unhelpful-line': { nl: '{entry} ({times}×)', en: '{entry} ({times}×)' },
  'community.since-bad': {
    nl: '"{value}" is geen periode: schrijf bijvoorbeeld 30d, 12h, 2w of een datum (2026-11-01).',
    en: '"{value}" is not a period: write for instance 30d, 12h, 2w or a date (2026-11-01).',
  },
  'community.as-bad': {
    nl: '"{value}" is geen gebruiker: schrijf --as <platform>:<gebruiker> (bijvoorbeeld slack:U0123ABCD).',
    en: '"{value}" is not a user: write --as <platform>:<user> (for instance slack:U0123ABCD).',
  },
  'community.as-no-role': {
    nl: '{user} heeft in roles.yaml niet de rol {role}.',
    en: '{user} does not hold the role {role} in roles.yaml.',
  },
  'community.invalid': {
    nl: 'Dat kan niet: {message}',
    en: 'That cannot be done: {message}',
  },
} satisfies Record<string, Message>;
