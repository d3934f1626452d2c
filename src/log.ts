import pino, { type Logger } from 'pino';

/** Structured logs (JSON lines) on stderr, so stdout stays for answers. ARCHIEFBOT_LOG_LEVEL sets the level. */
export function createLogger(defaultLevel = 'warn'): Logger {
  return pino(
    { name: 'archiefbot', level: process.env.ARCHIEFBOT_LOG_LEVEL ?? defaultLevel },
    pino.destination(2),
  );
}
