// Japanese and English for every page and message. The English catalogue defines the keys; the
// Japanese one must have every key (a missing one fails to compile). Parameters are written
// `{name}` and filled in as plain text: templates escape the result like any other string.
import type { Language } from '../../../core/types.ts';
import { isTimeZone, zonedDateTimeFormat } from '../../../core/time-zones.ts';
import { EN, type MessageKey } from './en.ts';
import { JA } from './ja.ts';

export type { MessageKey } from './en.ts';
export type MessageParams = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en: EN, ja: JA };

export function translator(lang: Language): Translate {
  const catalogue = CATALOGUES[lang];
  return (key, params) => {
    const text = catalogue[key];
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
  };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(EN, key);
}

/** A language from `?lang=`, else the browser's Accept-Language, else Japanese. */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): Language {
  if (query === 'en' || query === 'ja') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'en' || tag === 'ja') return tag;
  }
  return 'ja';
}

export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

/** Every field of a date and time to the second, as numbers. */
const DATE_AND_TIME = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;

function formatter(lang: Language, timeZone: string): Intl.DateTimeFormat {
  const tz = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  return zonedDateTimeFormat('console-datetime', lang === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: tz,
    ...DATE_AND_TIME,
    timeZoneName: 'short',
  });
}

/** A timestamp in the user's language and time zone ("2025/01/06 18:00:00 JST"); '' for null. */
export function formatDateTime(iso: string | null | undefined, lang: Language, timeZone: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : formatter(lang, timeZone).format(t);
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone, for date inputs. */
export function localDate(instant: Date, timeZone: string): string {
  const tz = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  return zonedDateTimeFormat('console-date', 'en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The instant a local calendar day starts in a time zone (for "from"/"to" date filters). */
export function startOfLocalDay(date: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const tz = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  const utcGuess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(utcGuess)) return null;
  // The zone's offset at that moment, applied twice to settle across a DST change.
  let t = utcGuess;
  for (let i = 0; i < 2; i++) t = utcGuess - offsetMs(t, tz);
  return new Date(t);
}

function offsetMs(t: number, timeZone: string): number {
  const parts = zonedDateTimeFormat('console-offset', 'en-US', {
    timeZone,
    hourCycle: 'h23',
    ...DATE_AND_TIME,
  }).formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - t;
}
