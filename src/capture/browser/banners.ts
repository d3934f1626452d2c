/**
 * Cookie banners: the crawler closes the ones it recognises with their reject or close button, and
 * clicks "accept" only when `browser.acceptCookies` says so (never on the organisation's behalf by
 * default). Recognised: the common consent platforms by their documented element ids (OneTrust,
 * Cookiebot, Didomi, Quantcast, Usercentrics, TrustArc, Complianz, CookieYes) and, in any element
 * whose id, class, role or label says cookie/consent/privacy/dialog, a button whose words reject
 * (Dutch and English, as the platforms and Dutch government sites word them).
 *
 * The script runs in the page as a string (a bundler's helpers would not exist there).
 */

/** Buttons that reject or close, by the consent platforms' own ids. */
const REJECT_IDS = [
  '#onetrust-reject-all-handler',
  '#CybotCookiebotDialogBodyButtonDecline',
  '#didomi-notice-disagree-button',
  '.qc-cmp2-summary-buttons button[mode="secondary"]',
  '[data-testid="uc-deny-all-button"]',
  '#truste-consent-required',
  '.cmplz-deny',
  '.cky-btn-reject',
  '.onetrust-close-btn-handler',
];

const ACCEPT_IDS = [
  '#onetrust-accept-btn-handler',
  '#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll',
  '#didomi-notice-agree-button',
  '.qc-cmp2-summary-buttons button[mode="primary"]',
  '[data-testid="uc-accept-all-button"]',
  '#truste-consent-button',
  '.cmplz-accept',
  '.cky-btn-accept',
];

/** Words on a reject button (matched on the whole label, so "accept all" is never taken for "all"). */
const REJECT_WORDS = [
  'reject all',
  'reject',
  'decline',
  'decline optional cookies',
  'refuse non-essential cookies',
  'only necessary cookies',
  'only essential cookies',
  'necessary cookies only',
  'use necessary cookies only',
  'allow essential cookies only',
  'continue without accepting',
  'no thanks',
  'weigeren',
  'alles weigeren',
  'alle cookies weigeren',
  'alles afwijzen',
  'afwijzen',
  'optionele cookies weigeren',
  'alleen noodzakelijke cookies',
  'alleen functionele cookies',
  'alleen essentiële cookies toestaan',
  'nee, bedankt',
  'nee bedankt',
  'niet akkoord',
];

const ACCEPT_WORDS = [
  'accept',
  'accept all',
  'accept all cookies',
  'allow all cookies',
  'i agree',
  'agree',
  'akkoord',
  'accepteren',
  'alles accepteren',
  'alle cookies accepteren',
  'alle cookies toestaan',
  'ja, ik ga akkoord',
];

/** The in-page script: clicks one recognised button, returns its label (or null). */
export function bannerScript(accept: boolean): string {
  const ids = JSON.stringify(accept ? ACCEPT_IDS : REJECT_IDS);
  const words = JSON.stringify(accept ? ACCEPT_WORDS : REJECT_WORDS);
  return `(() => {
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const label = (el) => (el.innerText || el.value || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim();
    for (const sel of ${ids}) {
      const el = document.querySelector(sel);
      if (el && visible(el)) { el.click(); return label(el) || sel; }
    }
    const words = new Set(${words});
    const banner = /cookie|consent|gdpr|privacy|cmp|dialog|banner/i;
    const inBanner = (el) => {
      for (let p = el; p && p !== document.body; p = p.parentElement) {
        const name = [p.id, typeof p.className === 'string' ? p.className : '', p.getAttribute('role') || '', p.getAttribute('aria-label') || ''].join(' ');
        if (banner.test(name)) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('button, [role="button"], a, input[type="button"], input[type="submit"]')) {
      const text = label(el).toLowerCase();
      if (words.has(text) && visible(el) && inBanner(el)) { el.click(); return label(el); }
    }
    return null;
  })()`;
}
