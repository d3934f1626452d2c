/**
 * The shapes of question the answer reads beyond the lexicon's facts (an app's sense of "archive", advice on
 * reach, a usual retention practice, what a method misses): patterns over the corrected text. Their words
 * are also words a typo is corrected towards (analyse.ts), so "meer beerik" still asks for more reach.
 */

/** Archiving in an app's sense: out of sight in a list ("zodat hij niet meer bovenaan staat"). */
export const APP_SENSE =
  /\b(zodat|so that|so it|so they|so the)\b[^.?!]*\b(bovenaan|top of|at the top|chatlijst|lijst|list|inbox|overzicht)\b|\b(saved items|opgeslagen items|opgeslagen berichten|my bookmarks|mijn bladwijzers|mijn favorieten|my favourites|my favorites)\b/i;

/** How to use an app's features: "hoe plan ik een post in", "how do I edit a post after it's published". */
export const APP_FEATURE =
  /\b(?:hoe|how)\b[^.?!]{0,30}?\b(?:inplannen|plan\w* (?:ik|je|we)\b[^.?!]{0,40}\bin\b|schedule|scheduling|edit|bewerk\w*|pin|pinnen|vastzetten|tag|taggen|toegang|access|inloggen|log in|wachtwoord|password)\b/i;

/** A usual retention or destruction practice reported: "normaal vernietigen we …", "are usually destroyed after". */
export const USUAL_TERM =
  /\b(normaal|normaliter|normally|usually|gewoonlijk|meestal|doorgaans|selectielijst|selection list|retention schedule)\b[^.?!;]{0,80}?\b(vernietig\w*|destroy\w*|bewaartermijn\w*|retention|weg|deleted|verwijder\w*)\b/i;

/** What a method leaves out, asked: "missen we dan iets?", "what would we be missing?", "is that enough?". */
export const MISSING_Q =
  /\b(missen we|mis je|missen wij|wat mist|wat missen|missing|miss out|would we miss|do we miss|voldoende|genoeg|enough|sufficient)\b/i;

export const METHOD_WORDS =
  /\b(export\w*|exportfunctie|api|screenshots?|schermafdruk\w*|harvest\w*|download\w*|capture tool|methode|method)\b/i;

/** Archiving in an app's sense, unmistakably: out of sight at the top of a list. */
export const OUT_OF_SIGHT =
  /\b(zodat|so that|so it|so they)\b[^.?!]*\b(bovenaan|top of|at the top|chatlijst|chat list)\b/i;

/** Advice on reach and growth: "tips for more reach with Reels", "hoe krijgen we meer volgers". */
export const GROWTH =
  /\b(tips?|advice|advies|ideeen|ideas|suggesties|suggestions|best practices)\b[^.?!]{0,60}?\b(reach|bereik|bereiken|followers?|follower count|volgers|engagement|views|weergaven|grow|growing|groeien|viral|algorithm|algoritme)\b|\b(more|meer)\s+(reach|bereik|followers|volgers|engagement|views|weergaven|likes)\b|\b(best|beste|ideal|ideale)\s+(time|times|moment|tijd|tijdstip|dag|day)\b[^.?!]{0,40}?\b(to post|om te posten|posten|plaatsen|to publish|publiceren)\b/i;

/** The words of these patterns (four letters or more): correction targets for the reader. */
export function patternWords(): string[] {
  const all = [APP_SENSE, APP_FEATURE, USUAL_TERM, MISSING_Q, METHOD_WORDS, OUT_OF_SIGHT, GROWTH];
  return [...new Set(all.flatMap((re) => re.source.match(/[a-z]{4,}/g) ?? []))];
}
