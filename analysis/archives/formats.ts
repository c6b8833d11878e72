// Archive and disk-image formats told from their bytes (never from the sender's name), for the
// formats the zip reader does not handle. Those 7-Zip opens are expanded with it; the rest that we
// recognise are reported as `unsupported`, so they are "not examined", never "clean".

/** Formats opened with 7-Zip (analysis/archives/seven-zip.ts). */
export type SevenZipFormat =
  '7z' | 'rar' | 'xz' | 'bzip2' | 'cab' | 'lzh' | 'tar' | 'iso' | 'udf' | 'vhd' | 'vhdx' | 'fat' | 'ntfs' | 'mbr' | 'wim' | 'arj' | 'cpio' | 'zstd';

/** Archive formats we recognise but cannot open. */
export type UnsupportedFormat = 'ace' | 'sit';

const at = (b: Buffer, offset: number, text: string) => b.length >= offset + text.length && b.toString('latin1', offset, offset + text.length) === text;
const hex = (b: Buffer, offset: number, h: string) => b.length >= offset + h.length / 2 && b.subarray(offset, offset + h.length / 2).toString('hex') === h;

function bootSector(b: Buffer): 'fat' | 'ntfs' | 'mbr' | null {
  if (b.length < 1024 || b[510] !== 0x55 || b[511] !== 0xaa) return null;
  if (at(b, 3, 'NTFS    ')) return 'ntfs';
  if (at(b, 54, 'FAT') || at(b, 82, 'FAT32') || at(b, 3, 'mkfs.fat') || at(b, 3, 'MSDOS') || at(b, 3, 'MSWIN')) return 'fat';
  // A partition table: four 16-byte entries, status 0x00 or 0x80, at least one with a type.
  let used = 0;
  for (let i = 0; i < 4; i++) {
    const e = 446 + i * 16;
    if (b[e] !== 0 && b[e] !== 0x80) return null;
    if (b[e + 4] !== 0) used++;
  }
  return used > 0 ? 'mbr' : null;
}

export function sevenZipFormat(b: Buffer): SevenZipFormat | null {
  if (hex(b, 0, '377abcaf271c')) return '7z';
  if (hex(b, 0, '526172211a0700') || hex(b, 0, '526172211a070100')) return 'rar';
  if (hex(b, 0, 'fd377a585a00')) return 'xz';
  if (hex(b, 0, '28b52ffd')) return 'zstd';
  if (at(b, 0, 'BZh') && b[3]! >= 0x31 && b[3]! <= 0x39 && hex(b, 4, '314159265359')) return 'bzip2';
  if (at(b, 0, 'MSCF') && hex(b, 4, '00000000')) return 'cab';
  if (b.length > 21 && b[2] === 0x2d && b[3] === 0x6c && (b[4] === 0x68 || b[4] === 0x7a) && b[6] === 0x2d) return 'lzh';
  if (at(b, 0, 'vhdxfile')) return 'vhdx';
  if (at(b, 0, 'MSWIM\0\0\0')) return 'wim';
  if (hex(b, 0, '60ea') && b.length > 12 && b.readUInt16LE(2) <= 2600 && b[10] === 2) return 'arj';
  if (at(b, 0, '070701') || at(b, 0, '070702') || at(b, 0, '070707')) return 'cpio';
  if (at(b, 257, 'ustar')) return 'tar';
  for (const off of [0x8001, 0x8801, 0x9001]) if (at(b, off, 'CD001')) return 'iso';
  for (const off of [0x8001, 0x8801, 0x9001]) if (at(b, off, 'BEA01') || at(b, off, 'NSR02') || at(b, off, 'NSR03')) return 'udf';
  if (b.length >= 512 && (at(b, b.length - 512, 'conectix') || at(b, b.length - 511, 'conectix') || at(b, 0, 'conectix'))) return 'vhd';
  const boot = bootSector(b);
  if (boot) return boot;
  return null;
}

export function unsupportedFormat(b: Buffer): UnsupportedFormat | null {
  if (at(b, 7, '**ACE**')) return 'ace';
  if (at(b, 0, 'StuffIt') || at(b, 0, 'SIT!')) return 'sit';
  return null;
}
