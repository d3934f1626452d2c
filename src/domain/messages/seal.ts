import type { Message } from '../i18n.ts';

/** The seal outside the database (src/export/seal.ts, `archiefbot seal`). */
export const seal = {
  'seal.key-generated': {
    nl: 'Er is een nieuwe zegelsleutel gemaakt: {file}. Bewaar die goed, buiten het archief en met een reservekopie op een veilige plek: wie de sleutel heeft, kan zegelen. De publieke sleutel, waarmee iedereen de zegels kan controleren, staat in {publicKeyFile}.',
    en: 'A new seal key was made: {file}. Keep it safe, outside the archive, with a backup in a safe place: whoever holds it can seal. The public key, with which anyone can check the seals, is in {publicKeyFile}.',
  },
  'seal.key-missing': {
    nl: 'ARCHIEFBOT_SEAL_KEY verwijst naar {file}, maar dat bestand bestaat niet.',
    en: 'ARCHIEFBOT_SEAL_KEY names {file}, which does not exist.',
  },
  'seal.key-inside-archive': {
    nl: 'De zegelsleutel {file} staat in de datamap {dataDir}. Zet hem daarbuiten (ARCHIEFBOT_SEAL_KEY): wie het archief kan wijzigen, mag het niet opnieuw kunnen zegelen.',
    en: 'The seal key {file} is inside the data directory {dataDir}. Keep it outside (ARCHIEFBOT_SEAL_KEY): whoever can alter the archive must not be able to seal it again.',
  },
  'seal.key-unreadable': {
    nl: '{file} is geen leesbare PEM-privésleutel ({reason}).',
    en: '{file} is not a readable PEM private key ({reason}).',
  },
  'seal.key-not-ed25519': {
    nl: '{file} is geen Ed25519-sleutel; het zegel gebruikt Ed25519.',
    en: '{file} is not an Ed25519 key; the seal uses Ed25519.',
  },
  'seal.public-key-unreadable': {
    nl: '{file} is geen leesbare PEM-publieke sleutel ({reason}).',
    en: '{file} is not a readable PEM public key ({reason}).',
  },
  'seal.nothing-to-seal': {
    nl: 'Het auditlogboek is leeg: er is nog niets te zegelen.',
    en: 'The audit log is empty: there is nothing to seal yet.',
  },
  'seal.tsa-failed': {
    nl: 'De tijdstempeldienst {url} gaf geen geldig tijdstempel ({reason}). Er is niets gezegeld.',
    en: 'The time-stamping authority {url} gave no valid time stamp ({reason}). Nothing was sealed.',
  },
  'seal.made': {
    nl: 'Auditregel {id} ({hash}) is gezegeld op {at}, ondertekend met sleutel {fingerprint}.',
    en: 'Sealed audit entry {id} ({hash}) at {at}, signed with key {fingerprint}.',
  },
  'seal.time-stamped': {
    nl: 'Tijdstempel van {url}: {time}.',
    en: 'Time-stamped by {url}: {time}.',
  },
  'seal.public-key': {
    nl: 'Publieke sleutel ({file}); daarmee alleen kan iedereen de zegels controleren:',
    en: 'Public key ({file}); with it alone anyone can check the seals:',
  },
  'seal.verify-ok': {
    nl: 'De zegels kloppen: {n} {n|zegel|zegels}; het nieuwste zegelt auditregel {id} van {at}, ondertekend met sleutel {fingerprint}.',
    en: 'The seals hold: {n} {n|seal|seals}; the newest seals audit entry {id} of {at}, signed with key {fingerprint}.',
  },
  'seal.verify-none': {
    nl: 'Het archief is nog niet gezegeld (er is geen zegellogboek).',
    en: 'The archive has not been sealed yet (there is no seal log).',
  },
  'seal.verify-problems': {
    nl: '{n} {n|probleem|problemen} met de zegels:',
    en: '{n} {n|problem|problems} with the seals:',
  },
} satisfies Record<string, Message>;
