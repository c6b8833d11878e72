// libmime ships no types; the one function the console's header display uses.
declare module 'libmime' {
  /** Decodes RFC 2047 encoded-words in a header value (charsets via iconv-lite, ISO-2022-JP included). */
  export function decodeWords(value: string): string;
  const libmime: { decodeWords(value: string): string };
  export default libmime;
}
