// One structured JSON logger (pino). Events carry a stable `event` name; children carry ids.
import pino from 'pino';
import type { Logger, DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  readonly level: string;
  /** Where JSON lines go; stderr by default so stdout stays for command output. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { app: 'c4tap' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['password', 'secret', 'token', '*.password', '*.secret', '*.token'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination(2),
  );
}

/** Strip control characters from a value taken from mail or a client before logging it. */
export function safeForLog(value: string, max = 200): string {
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
