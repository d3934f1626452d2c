/** The HTTP exchange type shared by capture (which records it) and store (which writes it to the WARC). */
export type Purpose = 'api' | 'media' | 'page';

/** One HTTP request and its answer, as it will be written to the WARC. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: [string, string][];
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  body: Buffer;
  date: string;
  purpose: Purpose;
}
