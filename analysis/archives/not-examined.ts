// Whether what came out of opening an archive means its contents were not (fully) examined, and
// why, in words for the analyst. One answer for the verdict and for every place a scan result is
// shown: a file whose contents nobody scanned is "not examined", never "clean".
import type { ArchiveOutcome } from '../types.ts';

export function archiveNotExamined(a: ArchiveOutcome | null): string | null {
  if (!a) return null;
  switch (a.kind) {
    case 'expanded':
      return null;
    case 'bomb':
      return `archive bomb: ${a.reason}`;
    case 'too-deep':
      return `archives nested deeper than allowed (level ${a.depth})`;
    case 'too-many-members':
      return `${a.members} members, more than allowed`;
    case 'encrypted':
      return `encrypted, no password found (${a.triedPasswords} tried)`;
    case 'unreadable':
      return `unreadable archive: ${a.reason}`;
    case 'unsupported':
      return `archive format ${a.format} cannot be opened`;
  }
}
