// Archive and disk-image fixtures built with the real tools (7-Zip `7zz`, xorriso, mkfs.fat +
// mtools, gcab; Debian packages 7zip, xorriso, dosfstools, mtools, gcab listed in .ci/run), and
// by hand where no free tool writes the format (RAR: stored RAR 4; LZH: -lh0- level 0 header).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

export interface FixtureMember {
  readonly name: string;
  readonly content: Buffer;
}

/** Runs `build(dir)` in a fresh temp folder with the members written in `dir/in`; removes it after. */
function inTemp(members: readonly FixtureMember[], build: (dir: string, input: string) => string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'c4tap-arch-'));
  try {
    const input = join(dir, 'in');
    mkdirSync(input);
    for (const m of members) {
      mkdirSync(dirname(join(input, m.name)), { recursive: true });
      writeFileSync(join(input, m.name), m.content);
    }
    return readFileSync(build(dir, input));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = (cmd: string, args: readonly string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** 7-Zip writes 7z, zip, tar, xz, bzip2, wim (`type`: 7z | tar | wim …); `password` encrypts (7z: headers too with `encryptHeaders`). */
export function build7zip(
  type: '7z' | 'tar' | 'wim',
  members: readonly FixtureMember[],
  options: { password?: string; encryptHeaders?: boolean } = {},
): Buffer {
  return inTemp(members, (dir, input) => {
    const out = join(dir, `out.${type}`);
    const args = ['a', '-bd', `-t${type}`, out, '.'];
    if (options.password) args.push(`-p${options.password}`, ...(options.encryptHeaders ? ['-mhe=on'] : []));
    run('7zz', args, input);
    return out;
  });
}

/** One file compressed as a single stream (xz, bzip2). */
export function buildStream(type: 'xz' | 'bzip2', content: Buffer): Buffer {
  return inTemp([{ name: 'data', content }], (dir, input) => {
    const out = join(dir, type === 'xz' ? 'out.xz' : 'out.bz2');
    run('7zz', ['a', '-bd', `-t${type}`, out, 'data'], input);
    return out;
  });
}

/** An ISO 9660 image (with Joliet and Rock Ridge names), as mail-borne ISO lures are. */
export function buildIso(members: readonly FixtureMember[]): Buffer {
  return inTemp(members, (dir, input) => {
    const out = join(dir, 'out.iso');
    run('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '-R', '-V', 'INVOICE', '-o', out, input], dir);
    return out;
  });
}

/** A FAT disk image (.img), 1.44 MB, with the members in its root. */
export function buildFatImage(members: readonly FixtureMember[]): Buffer {
  return inTemp(members, (dir, input) => {
    const out = join(dir, 'out.img');
    run('mkfs.fat', ['-C', out, '1440'], dir);
    for (const m of members) run('mcopy', ['-i', out, join(input, m.name), `::${m.name.replace(/^.*\//, '')}`], dir);
    return out;
  });
}

/** A Microsoft cabinet (gcab). */
export function buildCab(members: readonly FixtureMember[]): Buffer {
  return inTemp(members, (dir, input) => {
    const out = join(dir, 'out.cab');
    run('gcab', ['-c', '-n', '-z', out, ...members.map((m) => m.name)], input);
    return out;
  });
}

/** CRC-16/ARC, the checksum of LZH members. */
function crc16(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** An LZH archive with stored (-lh0-) members and level-0 headers, as LHA writes them. */
export function buildLzh(members: readonly FixtureMember[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const name = Buffer.from(m.name, 'latin1');
    const h = Buffer.alloc(24 + name.length);
    h[0] = 22 + name.length;
    h.write('-lh0-', 2, 'latin1');
    h.writeUInt32LE(m.content.length, 7);
    h.writeUInt32LE(m.content.length, 11);
    h.writeUInt32LE(0x5a6b0000, 15); // DOS date and time
    h[19] = 0x20;
    h[20] = 0;
    h[21] = name.length;
    name.copy(h, 22);
    h.writeUInt16LE(crc16(m.content), 22 + name.length);
    let sum = 0;
    for (let i = 2; i < h.length; i++) sum = (sum + h[i]!) & 0xff;
    h[1] = sum;
    parts.push(h, m.content);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** A RAR 4 block: CRC-16 (low half of CRC-32 of the rest), type, flags, size, then `rest`. */
function rarBlock(type: number, flags: number, rest: Buffer, extraSize = 0): Buffer {
  const body = Buffer.alloc(5 + rest.length);
  body[0] = type;
  body.writeUInt16LE(flags, 1);
  body.writeUInt16LE(7 + rest.length, 3);
  rest.copy(body, 5);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc32(body) & 0xffff);
  void extraSize;
  return Buffer.concat([crc, body]);
}

/** A RAR 4 archive with stored members (no free tool writes RAR; the format is documented). */
export function buildRar(members: readonly FixtureMember[]): Buffer {
  const parts: Buffer[] = [Buffer.from('526172211a0700', 'hex'), rarBlock(0x73, 0, Buffer.alloc(6))];
  for (const m of members) {
    const name = Buffer.from(m.name, 'latin1');
    const f = Buffer.alloc(25 + name.length);
    f.writeUInt32LE(m.content.length, 0); // PACK_SIZE
    f.writeUInt32LE(m.content.length, 4); // UNP_SIZE
    f[8] = 2; // HOST_OS Windows
    f.writeUInt32LE(crc32(m.content) >>> 0, 9);
    f.writeUInt32LE(0x5a6b0000, 13); // FTIME
    f[17] = 20; // UNP_VER 2.0
    f[18] = 0x30; // METHOD store
    f.writeUInt16LE(name.length, 19);
    f.writeUInt32LE(0x20, 21); // ATTR archive
    name.copy(f, 25);
    parts.push(rarBlock(0x74, 0x8000, f), m.content);
  }
  parts.push(Buffer.from('c43d7b00400700', 'hex'));
  return Buffer.concat(parts);
}

/** An ACE archive's main header signature (a format nothing maintained opens). */
export function buildAceLike(): Buffer {
  const b = Buffer.alloc(64);
  b.write('**ACE**', 7, 'latin1');
  return b;
}

/** A fixed VHD: a FAT disk image followed by the 512-byte footer (`conectix`, checksum) Hyper-V writes. */
export function buildVhd(members: readonly FixtureMember[]): Buffer {
  const disk = buildFatImage(members);
  const f = Buffer.alloc(512);
  f.write('conectix', 0, 'latin1');
  f.writeUInt32BE(2, 8); // features
  f.writeUInt32BE(0x00010000, 12); // format version
  f.writeBigUInt64BE(0xffffffffffffffffn, 16); // data offset: none (fixed disk)
  f.write('c4tp', 28, 'latin1'); // creator application
  f.write('Wi2k', 36, 'latin1'); // creator host OS
  f.writeBigUInt64BE(BigInt(disk.length), 40); // original size
  f.writeBigUInt64BE(BigInt(disk.length), 48); // current size
  f.writeUInt16BE(80, 56); // cylinders
  f[58] = 2; // heads
  f[59] = 18; // sectors per track
  f.writeUInt32BE(2, 60); // disk type: fixed
  let sum = 0;
  for (const byte of f) sum += byte;
  f.writeUInt32BE(~sum >>> 0, 64);
  return Buffer.concat([disk, f]);
}

/** One file compressed with zstd (the `zstd` tool). */
export function buildZstd(content: Buffer): Buffer {
  return inTemp([{ name: 'data', content }], (dir, input) => {
    run('zstd', ['-q', '-f', join(input, 'data'), '-o', join(dir, 'out.zst')], dir);
    return join(dir, 'out.zst');
  });
}
