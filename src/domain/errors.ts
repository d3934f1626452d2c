/** Errors a user can cause or meet. Their message is one plain line: what happened and what to do. */
export type CaptureErrorCode =
  | 'unsupported-url'
  | 'blocked-address'
  | 'not-found'
  | 'unavailable'
  | 'rate-limited'
  | 'platform-error'
  | 'bad-response'
  | 'network-error'
  | 'too-large';

export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

export class UsageError extends Error {
  override name = 'UsageError';
}
