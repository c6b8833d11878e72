// Archives: zip (ZipCrypto and AES encrypted too), gzip, and what 7-Zip (WASM) opens (7z, RAR, ISO,
// disk images, CAB, LZH, tar, xz, bzip2…), nested, within limits; PPAP passwords.
export { expandArchives, archiveKind, type ExpandedFile } from './expand.ts';
export { DEFAULT_ARCHIVE_LIMITS, RATIO_FLOOR_BYTES, type ArchiveLimits } from './limits.ts';
export { ppapPasswords } from './ppap-passwords.ts';
