// How many members a zip has, from its central directory alone, before any listing: the
// end-of-central-directory record (EOCD, or its zip64 form) states the entry count, and the
// central directory's fixed-size headers are walked without building an entry per member. A zip
// with 100,000 members is refused here with a few reads instead of 100,000 objects in memory
// (zip.js lists every entry, with its decoded name, before we could count them).
//
// Only the counting is done here; zip.js still does the reading and checking of what is kept.

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
/** The EOCD ends the file, followed by a comment of at most 65,535 bytes. */
const MAX_COMMENT = 0xffff;

export interface CentralDirectory {
  /** Entries the (zip64) end record declares, directories included. */
  readonly declaredEntries: number;
  /** Where the central directory starts, and its size, as declared. */
  readonly offset: number;
  readonly size: number;
}

/** The end record's figures, or null when there is none (not a zip, or truncated: zip.js says why). */
export function readCentralDirectory(zip: Buffer): CentralDirectory | null {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== EOCD_SIGNATURE) continue;
    let declaredEntries = zip.readUInt16LE(at + 10);
    let size = zip.readUInt32LE(at + 12);
    let offset = zip.readUInt32LE(at + 16);
    const locator = at - 20;
    if ((declaredEntries === 0xffff || offset === 0xffffffff || size === 0xffffffff) && locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) {
      const end64 = Number(zip.readBigUInt64LE(locator + 8));
      if (end64 + 56 <= zip.length && zip.readUInt32LE(end64) === ZIP64_EOCD_SIGNATURE) {
        declaredEntries = Number(zip.readBigUInt64LE(end64 + 32));
        size = Number(zip.readBigUInt64LE(end64 + 40));
        offset = Number(zip.readBigUInt64LE(end64 + 48));
      }
    }
    return { declaredEntries, offset, size };
  }
  return null;
}

/**
 * Whether the zip has more than `limit` members (`select`ed files, directories not counted),
 * decided from the central directory without listing it: the end record's count when it is
 * within the limit, else a walk over the headers that stops at limit + 1. Returns the count found
 * (exact up to limit + 1), or null when the directory cannot be read this way (zip.js decides).
 */
export function countMembersUpTo(zip: Buffer, limit: number, select: (name: string) => boolean = () => true): number | null {
  const dir = readCentralDirectory(zip);
  if (!dir) return null;
  if (dir.declaredEntries <= limit) return dir.declaredEntries;
  let at = dir.offset;
  let files = 0;
  for (let i = 0; i < dir.declaredEntries; i++) {
    if (at + CENTRAL_HEADER_SIZE > zip.length || zip.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE) {
      // Offsets that do not hold headers (a prefixed self-extractor, a damaged directory): the
      // declared count is all we know, and more than the limit is declared.
      return dir.declaredEntries;
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const name = zip.toString('latin1', at + CENTRAL_HEADER_SIZE, Math.min(zip.length, at + CENTRAL_HEADER_SIZE + nameLength));
    if (!name.endsWith('/') && select(name)) {
      files++;
      if (files > limit) return dir.declaredEntries;
    }
    at += CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  }
  return files;
}
