import pino, { type Logger } from 'pino';

/**
 * Structured logs (JSON lines) on stderr, so stdout stays for answers, or to a file (the terminal chat
 * keeps the screen for the conversation). ARCHIEFBOT_LOG_LEVEL sets the level.
 */
export function createLogger(defaultLevel = 'warn', file?: string): Logger {
  const level = process.env.ARCHIEFBOT_LOG_LEVEL ?? defaultLevel;
  return pino(
    { name: 'archiefbot', level },
    file ? pino.destination({ dest: file, mkdir: true }) : pino.destination(2),
  );
}
