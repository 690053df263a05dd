import pino, { type Logger } from 'pino';

/** Logs are events (STYLE.md rule 13): JSON lines, every one carrying the host id. */
export function createLogger(level: string, hostId: string): Logger {
  return pino({ level, base: { hostId }, timestamp: pino.stdTimeFunctions.isoTime });
}
