/**
 * Errors a user can cause or meet. Their `message` is one plain English line for logs and the CLI's
 * --json; what the user reads comes from the catalogue: `key` (+ `vars`) names the sentence, so the
 * chat and the CLI answer in the language of the command (src/domain/i18n.ts, `describeError`).
 */
export type CaptureErrorCode =
  | 'unsupported-url'
  | 'unsupported-platform'
  | 'blocked-address'
  | 'not-found'
  | 'unavailable'
  | 'login-required'
  | 'rate-limited'
  | 'platform-error'
  | 'bad-response'
  | 'network-error'
  | 'too-large'
  | 'disk-full'
  /** The platform's connector needs credentials that are not set (vars: platform, variable). */
  | 'not-configured'
  /** A daily quota or monthly budget of the platform is spent (vars: platform, resets). */
  | 'quota-exceeded'
  /** The browser method's Chromium is not installed where the configuration says (vars: path). */
  | 'browser-missing'
  /** An export given to `import` is refused (vars: file, member, format, detail): src/capture/imports/. */
  | 'import-not-zip'
  | 'import-damaged'
  | 'import-unknown'
  | 'import-bad-data';

export type ErrorVars = Record<string, string | number | null | undefined>;

export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
    readonly retryable = false,
    /** What the catalogue's sentence for `error.<code>` needs (url, host, status, …). */
    readonly vars: ErrorVars = {},
  ) {
    super(message);
    this.name = 'CaptureError';
  }

  /** The catalogue key of the sentence a user reads. */
  get key(): string {
    return `error.${this.code}`;
  }
}

/**
 * A platform read with each account's own token (Meta, Threads, LinkedIn) and no token for this
 * account. `variable` is the variable config/accounts.yaml names for it (set it), or `tokenEnv` when
 * the file names none: then the sentence says to add tokenEnv for `account` there.
 */
export class AccountTokenMissing extends CaptureError {
  constructor(
    message: string,
    vars: { platform: string; account: string; url: string | undefined; tokenEnv?: string | null },
  ) {
    const { tokenEnv, ...rest } = vars;
    super('not-configured', message, false, { ...rest, variable: tokenEnv || 'tokenEnv' });
  }

  override get key(): string {
    return this.vars.variable === 'tokenEnv' ? 'error.not-configured-account' : 'error.not-configured';
  }
}

/**
 * The platform refuses the token in an account's variable (vars: platform, variable, url, detail: the
 * platform's code): `refused`, expired or revoked; `no-access`, valid but without the permission or
 * not an admin's (`needs`: the permissions, by the platform's own names); `other-account`, the token
 * of another account (`owner`, `account`).
 */
export class TokenRefused extends CaptureError {
  constructor(
    readonly reason: 'refused' | 'no-access' | 'other-account',
    message: string,
    vars: ErrorVars,
  ) {
    super('not-configured', message, false, vars);
  }

  override get key(): string {
    return `error.token-${this.reason}`;
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The catalogue key of the sentence a user reads (absent: `message` is shown as it is). */
    readonly key?: string,
    readonly vars: ErrorVars = {},
  ) {
    super(message);
  }
}
