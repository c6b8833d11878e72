// Log lines of the administration commands: short human text on stderr ("warning: … (event)"),
// not JSON. Only `serve` and `worker` write JSON lines, for a log collector.
import { createLogger, type Logger } from '../../core/logger.ts';
import type { LoadedConfig } from '../../core/config.ts';

const LABELS: Readonly<Record<string, string>> = { fatal: 'fatal', error: 'error', warn: 'warning', info: 'info', debug: 'debug', trace: 'trace' };

function humanLine(json: string): string {
  try {
    const entry = JSON.parse(json) as { level?: string; msg?: string; event?: string };
    const label = LABELS[entry.level ?? ''] ?? entry.level ?? 'log';
    return `${label}: ${entry.msg ?? ''}${entry.event ? ` (${entry.event})` : ''}\n`;
  } catch {
    return json.endsWith('\n') ? json : json + '\n';
  }
}

/** A logger for one-shot commands: warnings and errors only, unless log.level was set explicitly. */
export function createHumanLogger(loaded: LoadedConfig): Logger {
  const level = loaded.sources.has('log.level') ? loaded.config.log.level : 'warn';
  return createLogger({ level, destination: { write: (line: string) => void process.stderr.write(humanLine(line)) } });
}
