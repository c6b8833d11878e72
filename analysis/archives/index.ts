// Archives: zip (ZipCrypto and AES encrypted too) and gzip, nested, within limits; PPAP passwords.
export { expandArchives, archiveKind, type ExpandedFile } from './expand.ts';
export { DEFAULT_ARCHIVE_LIMITS, RATIO_FLOOR_BYTES, type ArchiveLimits } from './limits.ts';
export { ppapPasswords } from './ppap-passwords.ts';
