/**
 * Which part of a message is the question (issue 15). People write a greeting, a sentence about who they
 * are or what happened at work, then the question, then a thank-you. Greetings and sign-offs are dropped;
 * a context sentence — about the asker ("Ik werk bij de gemeente Utrecht …", "I am a records manager at a
 * ministry.") or naming nothing the rules decide on — is set aside, and lends only the organisation kind.
 * The facts come from the rest: the question and the sentences that describe the item.
 */
import type { Analysis } from './analyse.ts';
import type { Concept } from './lexicon.ts';

export interface Focus {
  /** The sentences the facts are read from, joined. */
  question: string;
  /** Sentences set aside as context. */
  context: string[];
}

const GREETING =
  /^\s*(?:(?:hoi|hallo|hey|hi|hello|hiya|dag|goedemorgen|goedemiddag|goedenavond|goedendag|good\s+(?:morning|afternoon|evening))(?:\s+(?:there|allemaal|all|everyone|iedereen|team|folks|collega'?s|colleagues))?|(?:beste|dear)\s+[\p{L}-]+)\s*[,!.:;]+\s*/iu;
const SIGN_OFF =
  /^\s*(?:alvast\s+)?(?:bedankt|dank(?:\s+je|\s+jullie|\s+u)?(?:\s+wel)?|thanks|thank\s+you|many\s+thanks|cheers|groet(?:en|jes)?|(?:met\s+)?vriendelijke\s+groet(?:en)?|mvg|regards|kind\s+regards|best\s+regards|best|greetings)\b/iu;
/** A thank-you written on at the end of the question, without a stop: "… kan die post weg Alvast bedankt!" */
const TRAILING_THANKS =
  /(?<=[\p{L}\p{N}])\s+(?:alvast\s+bedankt|bij\s+voorbaat\s+dank|dank\s+je\s+wel|dank\s+u\s+wel|thanks\s+in\s+advance|thank\s+you(?:\s+in\s+advance)?|many\s+thanks|cheers|mvg|groetjes)\s*[.!]*\s*$/iu;
const ASKER =
  /^\s*(?:ik|wij|we|i|i'm|we're|our\s+team|ons\s+team|vraagje|vraag|quick\s+question|question|een\s+vraag|a\s+question)\b/iu;
const ASKER_STATE =
  /^\s*(?:ik|wij|we|i)\s+(?:werk|werken|ben|zijn|am|are|work|had|hadden|have|zitten|sit)\b/iu;

/** The asker's own situation after an opening phrase: "Sinds vorige maand werk ik bij …", "Since May I work at …". */
const ASKER_INVERTED =
  /^[^,.?!;]{0,40}?\b(?:(?:werk|ben|zit)\s+ik|(?:werken|zijn|zitten)\s+(?:we|wij)|i(?:'ve|\s+have)?\s+(?:been\s+)?work(?:ing|ed)?|i\s+am|i'm)\b/iu;

/** Concepts that carry a fact the rules decide on: a sentence with one is never context. */
const FACT_CONCEPTS: Concept[] = [
  'post',
  'webcare',
  'reaction',
  'dm',
  'story',
  'like',
  'repost',
  'profile',
  'webpage',
  'edited',
  'deleted',
  'deleteIntent',
  'hold',
  'elsewhere',
  'formal',
  'hotspot',
  'erasure',
  'platform',
  'corporate',
  'privAccount',
  'hybrid',
  'ptNo',
  'bewinds',
  'top',
  'third',
  'party',
];

/**
 * Splits a message into sentences, keeping each one's closing mark. A mark inside a word is no sentence end
 * ("social.overheid.nl", "2.4"), as in analyse().
 */
export function sentences(text: string): string[] {
  return (text.match(/(?:[^.?!;\n]|[.?!;]+(?=[^\s.?!;]))+(?:[.?!;]+|$)/g) ?? [])
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The question part of a message. `read` analyses one sentence (to see which concepts it names); the
 * last sentence that asks something, and every sentence naming a fact, are kept.
 */
export function focus(text: string, read: (s: string) => Analysis): Focus {
  const all = sentences(text.replace(TRAILING_THANKS, ''))
    .map((s, i) => (i === 0 ? s.replace(GREETING, '') : s))
    .filter((s) => s && !(SIGN_OFF.test(s) && !s.includes('?')));
  if (all.length <= 1) return { question: all.join(' ') || text, context: [] };
  const lastQuestion = all.map((s) => s.includes('?')).lastIndexOf(true);
  const keepFrom = lastQuestion >= 0 ? lastQuestion : all.length - 1;
  const question: string[] = [];
  const context: string[] = [];
  all.forEach((s, i) => {
    if (i >= keepFrom) {
      question.push(s);
      return;
    }
    const a = read(s);
    const facts = a.matches.filter((m) => FACT_CONCEPTS.includes(m.concept));
    // A work cue ("Het gaat over haar beleid.") is a fact, unless the asker talks about themselves.
    // So is an organisation named in a sentence not about the asker ("Is een openbare universiteit ook
    // overheid?" before "Moet de Universiteit Utrecht …?"): it says whose account the question is about.
    const notAsker = !ASKER.test(s) && !ASKER_STATE.test(s) && !ASKER_INVERTED.test(s);
    const workCue = a.matches.some((m) => m.concept === 'ptYes') && notAsker;
    const orgCue = a.matches.some((m) => m.concept === 'org') && notAsker;
    if (facts.length === 0 && !workCue && !orgCue) context.push(s);
    else question.push(s);
  });
  return { question: question.join(' '), context };
}
