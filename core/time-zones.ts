// IANA time zones as principals, contacts and policies name them, and the date formatters built on
// them. Building an Intl.DateTimeFormat costs 0.3–1.5 ms of ICU work; a console page, a receipt or a
// digest formats many dates, so each zone is checked once and each formatter built once.

/** Bound on either cache: zone names come from settings and policies, but no cache grows without end. */
const MAX_ENTRIES = 1000;

const checkedZones = new Map<string, boolean>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is an IANA time zone this runtime knows ("Asia/Tokyo", "UTC"). */
export function isTimeZone(tz: string): boolean {
  const known = checkedZones.get(tz);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  if (checkedZones.size < MAX_ENTRIES) checkedZones.set(tz, valid);
  return valid;
}

/**
 * The formatter for `locale` and `options` (which name a valid time zone), built once per
 * (style, locale, zone): `style` names the options, which callers keep constant per style.
 */
export function zonedDateTimeFormat(style: string, locale: string, options: Intl.DateTimeFormatOptions & { readonly timeZone: string }): Intl.DateTimeFormat {
  const key = `${style}\u0000${locale}\u0000${options.timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    if (formatters.size < MAX_ENTRIES) formatters.set(key, f);
  }
  return f;
}
