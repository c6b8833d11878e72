// Times as a digest shows them: in the recipient's time zone (Asia/Tokyo unless it has another),
// written the same way in both languages so that they sort and compare at a glance.
import { isTimeZone, zonedDateTimeFormat } from '../../../core/time-zones.ts';

export const DIGEST_TIME_ZONE = 'Asia/Tokyo';

function parts(iso: string, timeZone: string): Readonly<Record<string, string>> | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const fmt = zonedDateTimeFormat('digest-parts', 'en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  return Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
}

function zone(timeZone: string | undefined): string {
  return timeZone && isTimeZone(timeZone) ? timeZone : DIGEST_TIME_ZONE;
}

/** `2026-03-01 09:00 GMT+9` (the raw string when it is not a time). */
export function formatInstant(iso: string, timeZone?: string): string {
  const p = parts(iso, zone(timeZone));
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}` : iso;
}

/** `2026-03-01`: the calendar day of an instant in the time zone. */
export function formatDay(iso: string, timeZone?: string): string {
  const p = parts(iso, zone(timeZone));
  return p ? `${p.year}-${p.month}-${p.day}` : iso;
}
