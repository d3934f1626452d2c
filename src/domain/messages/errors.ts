import type { Message } from '../i18n.ts';

/**
 * What a user reads for a CaptureError (`error.<code>`; 'error.unsupported-platform' is in
 * capture.ts). Only `url` and `host` are used: the chat fills them from the link the user gave when
 * the error does not carry them (src/chat/presenters.ts `errorText`), so every sentence is whole.
 */
export const errors = {
  'error.unsupported-url': {
    nl: '"{url}" kan ik niet archiveren: geef een volledige link (https://…) naar een bericht, een account of een webpagina.',
    en: 'I can\'t capture "{url}": give a full link (https://…) to a post, an account or a web page.',
  },
  'error.blocked-address': {
    nl: '{url} archiveer ik niet: alleen openbare http- en https-adressen mogen; privé-, loopback- en link-local-adressen zijn geblokkeerd.',
    en: "I won't capture {url}: only public http and https addresses are allowed; private, loopback and link-local addresses are blocked.",
  },
  'error.not-found': {
    nl: '{url} bestaat niet (meer): het is verwijderd, of de link klopt niet.',
    en: '{url} does not exist (any more): it was deleted, or the link is wrong.',
  },
  'error.unavailable': {
    nl: '{url} is niet openbaar te zien (alleen na inloggen, of afgeschermd).',
    en: '{url} cannot be seen publicly (only after logging in, or restricted).',
  },
  'error.account-deactivated': {
    nl: '{url} is nu niet te zien: de eigenaar heeft het account gedeactiveerd. Wat al gearchiveerd is blijft bewaard; komt het account terug, dan gaat het archiveren verder.',
    en: '{url} cannot be seen now: its owner deactivated the account. What is archived stays; if the account comes back, archiving goes on.',
  },
  'error.account-takendown': {
    nl: '{url} is nu niet te zien: het account is door de moderatie van het platform geschorst. Wat al gearchiveerd is blijft bewaard.',
    en: "{url} cannot be seen now: the platform's moderation suspended the account. What is archived stays.",
  },
  'error.rate-limited': {
    nl: '{host} vraagt ons even te wachten (snelheidslimiet); probeer het later opnieuw.',
    en: '{host} asks us to wait (rate limit); try again later.',
  },
  'error.platform-error': {
    nl: '{host} antwoordde met een fout; probeer het later opnieuw.',
    en: '{host} answered with an error; try again later.',
  },
  'error.bad-response': {
    nl: '{host} stuurde een antwoord dat ik niet kan lezen; probeer het later opnieuw.',
    en: "{host} sent an answer I can't read; try again later.",
  },
  'error.network-error': {
    nl: '{host} is niet bereikbaar of bestaat niet; controleer de link of probeer het later opnieuw.',
    en: '{host} cannot be reached or does not exist; check the link or try again later.',
  },
  'error.too-large': {
    nl: '{url} is te groot om te archiveren.',
    en: '{url} is too large to capture.',
  },
  'error.disk-full': {
    nl: 'De schijf van het archief is vol: er is niets gearchiveerd en niets half weggeschreven. Maak ruimte vrij en probeer het opnieuw.',
    en: "The archive's disk is full: nothing was captured and nothing was left half written. Free some space and try again.",
  },
  'error.login-required': {
    nl: '{host} laat {url} alleen zien na inloggen. Geef Archiefbot een token voor deze server: zet MASTODON_TOKENS={host}=<token> (of tokenEnv bij het account in config/accounts.yaml) en probeer het opnieuw.',
    en: '{host} shows {url} only after logging in. Give Archiefbot a token for this server: set MASTODON_TOKENS={host}=<token> (or tokenEnv for the account in config/accounts.yaml) and try again.',
  },
  'error.not-configured': {
    nl: '{url} kan ik niet via de API van {platform} archiveren: zet {variable} (zie "Platforms" in de README). Zonder die toegang archiveer ik zulke links zoals het publiek ze ziet, met de browser; daarvoor moet Chromium op de server staan (apt-get install chromium, of zet ARCHIEFBOT_CHROMIUM).',
    en: 'I can\'t capture {url} through the {platform} API: set {variable} (see "Platforms" in the README). Without that access I capture such links as the public sees them, with the browser; that needs Chromium on the server (apt-get install chromium, or set ARCHIEFBOT_CHROMIUM).',
  },
  'error.not-configured-account': {
    nl: '{url} kan ik niet via de API van {platform} archiveren: daarvoor is een token van {account} zelf nodig, en dat is er niet. Zet tokenEnv bij {account} in config/accounts.yaml, met de naam van de variabele die het token bevat (zie "Platforms" in de README). Zonder dat token archiveer ik zulke links zoals het publiek ze ziet, met de browser; daarvoor moet Chromium op de server staan (apt-get install chromium, of zet ARCHIEFBOT_CHROMIUM).',
    en: 'I can\'t capture {url} through the {platform} API: that needs a token of {account} itself, and there is none. Set tokenEnv for {account} in config/accounts.yaml to the name of the variable that holds the token (see "Platforms" in the README). Without that token I capture such links as the public sees them, with the browser; that needs Chromium on the server (apt-get install chromium, or set ARCHIEFBOT_CHROMIUM).',
  },
  'error.token-refused': {
    nl: '{url} kan ik niet via de API van {platform} archiveren: {platform} weigert het token in {variable} ({detail}); het is verlopen of ingetrokken. Maak een nieuw token en zet het in {variable} (zie "Platforms" in de README). Tot dan archiveer ik zulke links zoals het publiek ze ziet, met de browser; daarvoor moet Chromium op de server staan (apt-get install chromium, of zet ARCHIEFBOT_CHROMIUM).',
    en: 'I can\'t capture {url} through the {platform} API: {platform} refuses the token in {variable} ({detail}); it expired or was revoked. Make a new token and put it in {variable} (see "Platforms" in the README). Until then I capture such links as the public sees them, with the browser; that needs Chromium on the server (apt-get install chromium, or set ARCHIEFBOT_CHROMIUM).',
  },
  'error.token-no-access': {
    nl: '{url} kan ik niet via de API van {platform} archiveren: het token in {variable} geeft er geen toegang toe ({detail}). Het mist een toestemming, of het is niet van een beheerder van het account: nodig is {needs} (zie "Platforms" in de README). Tot dan archiveer ik zulke links zoals het publiek ze ziet, met de browser; daarvoor moet Chromium op de server staan (apt-get install chromium, of zet ARCHIEFBOT_CHROMIUM).',
    en: 'I can\'t capture {url} through the {platform} API: the token in {variable} gives no access to it ({detail}). It lacks a permission, or it is not an admin\'s of the account: it needs {needs} (see "Platforms" in the README). Until then I capture such links as the public sees them, with the browser; that needs Chromium on the server (apt-get install chromium, or set ARCHIEFBOT_CHROMIUM).',
  },
  'error.token-other-account': {
    nl: '{url} kan ik niet via de API van {platform} archiveren: het token in {variable} is van {owner}, niet van {account}. Zet in {variable} het token van {account} zelf (zie "Platforms" in de README). Tot dan archiveer ik zulke links zoals het publiek ze ziet, met de browser; daarvoor moet Chromium op de server staan (apt-get install chromium, of zet ARCHIEFBOT_CHROMIUM).',
    en: "I can't capture {url} through the {platform} API: the token in {variable} is {owner}'s, not {account}'s. Put the token of {account} itself in {variable} (see \"Platforms\" in the README). Until then I capture such links as the public sees them, with the browser; that needs Chromium on the server (apt-get install chromium, or set ARCHIEFBOT_CHROMIUM).",
  },
  'error.quota-exceeded': {
    nl: 'Het budget voor de API van {platform} is op ({detail}); het wordt weer aangevuld {resets}. Tot dan archiveer ik daar niets via de API.',
    en: 'The {platform} API budget is spent ({detail}); it is renewed {resets}. Until then I capture nothing there through the API.',
  },
  'error.quota-exceeded.youtube': {
    nl: 'Het dagquotum van de YouTube Data API is op ({used} van {limit} eenheden gebruikt). Google vult het aan om middernacht Pacific-tijd ({resets}); tot dan archiveer ik niets van YouTube via de API.',
    en: 'The YouTube Data API quota for today is spent ({used} of {limit} units used). Google renews it at midnight Pacific time ({resets}); until then I capture nothing from YouTube through the API.',
  },
  'error.quota-exceeded.x': {
    nl: 'Het maandbudget voor de X API is op ({spent} van {budget} USD uitgegeven). Het wordt op de 1e van de maand aangevuld ({resets}, UTC); tot dan archiveer ik niets van X via de API. Een hoger budget: x.monthlyBudget in de configuratie.',
    en: 'The X API budget for this month is spent ({spent} of {budget} USD spent). It is renewed on the 1st of the month ({resets}, UTC); until then I capture nothing from X through the API. A higher budget: x.monthlyBudget in the configuration.',
  },
  'error.credentials-refused': {
    nl: '{platform} weigert de sleutel in {variable} ({detail}). Controleer of hij klopt, niet verlopen is en of de API voor het project aanstaat (zie de README, "Platforms").',
    en: '{platform} refuses the key in {variable} ({detail}). Check that it is right, not expired, and that the API is enabled for its project (see the README, "Platforms").',
  },
  'error.browser-missing': {
    nl: 'Voor de browsermethode is Chromium nodig, maar die staat niet op {path}: installeer hem met `apt-get install chromium` of zet ARCHIEFBOT_CHROMIUM op het pad ervan.',
    en: 'The browser method needs Chromium, which is not at {path}: install it with `apt-get install chromium` or set ARCHIEFBOT_CHROMIUM to its path.',
  },
} satisfies Record<string, Message>;
