// Defanging: indicators shown in a mail body are rewritten so that no mail client links them and
// no recipient's mail filter takes the digest for a phishing mail (`hxxp://`, `evil[.]example`,
// `user[@]evil[.]example`, `2001[:]db8[:][:]1`). The machine-readable attachments keep the live
// values; only what a person reads is defanged.
//
// A small typed function rather than an npm library: the one maintained JavaScript defanger
// (`fanger`) works on free text with extraction heuristics, handles neither e-mail addresses nor
// IPv6, replaces only one dot of an IPv4 address, and pulls an old ioc-extractor and get-stdin.
// Here each indicator's type is known, so one precise rule per type is simpler and exhaustive.
import type { IndicatorType } from '../../../core/types.ts';

const DOT = '[.]';
/** Full stops that IDNA maps to "." (so some clients link `evil。example`). */
const IDN_DOTS = /[\u3002\uff0e\uff61]/g;

/** Every dot of a host name, e-mail address or IPv4 address. */
function dots(value: string): string {
  return value.replace(/\./g, DOT).replace(IDN_DOTS, DOT);
}

function ipv6(value: string): string {
  return dots(value.replace(/:/g, '[:]'));
}

function email(value: string): string {
  return dots(value.replace(/@/g, '[@]'));
}

/** `http` → `hxxp`, `https` → `hxxps`, `ftp` → `fxp` (case kept); other schemes get `[://]`. */
function scheme(name: string): string {
  return /^(https?|ftps?)$/i.test(name) ? `${name.replace(/t/g, 'x').replace(/T/g, 'X')}://` : `${name}[://]`;
}

function url(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(value);
  const head = m ? scheme(m[1]!) : '';
  const rest = m ? m[2]! : value;
  // An IPv6 literal host keeps its brackets; its colons are defanged like any IPv6 address.
  const literal = rest.replace(/^([^/?#]*@)?\[([0-9a-f:.]+)\]/i, (_all, user: string | undefined, ip: string) => `${user ?? ''}[${ip.replace(/:/g, '[:]')}]`);
  // Every dot and at sign, not only the host's: a query may carry another domain (`?next=evil.example`).
  return head + email(literal);
}

/**
 * Free text (subjects, mailer strings, file names, AV names): schemes anywhere, dots between two
 * letters or digits (`invoice.pdf.exe`, `evil.example`, `10.0.0.1`; "Mr. Tanaka" stays), IDN full
 * stops between ASCII letters or digits, and at signs inside addresses.
 */
export function defangText(value: string): string {
  return value
    .replace(/\b(https?|ftps?):\/\//gi, (_all, name: string) => scheme(name))
    .replace(/(?<=[\p{L}\p{N}_-])\.(?=[\p{L}\p{N}_-])/gu, DOT)
    .replace(/(?<=[A-Za-z0-9-])[\u3002\uff0e\uff61](?=[A-Za-z0-9-])/g, DOT)
    .replace(/(?<=[\p{L}\p{N}._%+-])@(?=[\p{L}\p{N}])/gu, '[@]');
}

const unchanged = (value: string): string => value;

const RULES: Readonly<Record<IndicatorType, (value: string) => string>> = {
  url,
  'domain-name': dots,
  'email-message-id-domain': dots,
  'ipv4-addr': dots,
  'ipv6-addr': ipv6,
  'email-addr': email,
  'email-subject': defangText,
  'x-mailer': defangText,
  'file-name': defangText,
  'av-signature': defangText,
  // Hashes and YARA rule identifiers cannot be followed or linked.
  'file-sha256': unchanged,
  'file-sha1': unchanged,
  'file-md5': unchanged,
  'yara-rule': unchanged,
};

/** The indicator as a person may read it in a mail body. */
export function defang(type: IndicatorType, value: string): string {
  return RULES[type](value);
}
