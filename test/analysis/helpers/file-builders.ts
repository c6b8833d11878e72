// Files as attackers send them, built by the tests: zips (plain, ZipCrypto, AES, nested, with
// doctored sizes) with the same zip library the analysis reads them with, Office documents with
// and without a VBA project, an OLE2 document, a Windows shortcut, PDFs with hidden actions.
import CFB from 'cfb';
import { ZipWriter, Uint8ArrayReader, Uint8ArrayWriter, configure } from '@zip.js/zip.js';
import { deflateSync, gzipSync } from 'node:zlib';

configure({ useWebWorkers: false });

export interface ZipMember {
  readonly name: string;
  readonly content: Buffer;
}

export interface ZipOptions {
  readonly password?: string;
  /** 'zipcrypto' (traditional PKWARE, what Windows and most PPAP tools write) or 'aes' (AES-256). */
  readonly encryption?: 'zipcrypto' | 'aes';
  /** 0 stores, 9 deflates hardest. */
  readonly level?: number;
}

export async function buildZip(members: readonly ZipMember[], options: ZipOptions = {}): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), {
    level: options.level ?? 6,
    ...(options.password ? { password: options.password, ...(options.encryption === 'aes' ? { encryptionStrength: 3 as const } : { zipCrypto: true }) } : {}),
  });
  for (const m of members) await writer.add(m.name, new Uint8ArrayReader(m.content));
  return Buffer.from(await writer.close());
}

/** Zips inside zips: `levels` archives, the innermost holding `inner`. Names a1.zip … aN.zip outermost first. */
export async function nestedZips(levels: number, inner: ZipMember): Promise<Buffer> {
  let current = await buildZip([inner]);
  for (let i = levels - 1; i >= 1; i--) current = await buildZip([{ name: `a${i + 1}.zip`, content: current }]);
  return current;
}

/**
 * The zip with the uncompressed size of every central directory record replaced: a huge one for
 * a bomb that announces itself, a small one for a bomb that lies.
 */
export function withDeclaredSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = out.indexOf('PK\x01\x02', at + 4, 'latin1')) {
    out.writeUInt32LE(size, at + 24);
  }
  return out;
}

export function gzip(content: Buffer): Buffer {
  return gzipSync(content);
}

/** A Windows shortcut (MS-SHLLINK header) whose arguments run PowerShell, as LNK droppers do. */
export function buildLnk(command = 'powershell -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA='): Buffer {
  const header = Buffer.alloc(76);
  header.writeUInt32LE(0x4c, 0);
  Buffer.from('0114020000000000c000000000000046', 'hex').copy(header, 4);
  header.writeUInt32LE(0x000000a0, 20); // HasArguments | IsUnicode
  const args = Buffer.from(command, 'utf16le');
  const count = Buffer.alloc(2);
  count.writeUInt16LE(command.length);
  return Buffer.concat([header, count, args, Buffer.alloc(4)]);
}

const CONTENT_TYPES = (macro: boolean) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
${macro ? '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' : ''}
<Override PartName="/word/document.xml" ContentType="${macro ? 'application/vnd.ms-word.document.macroEnabled.main+xml' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'}"/>
</Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;

const DOCUMENT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>請求書を確認するには「コンテンツの有効化」をクリックしてください。</w:t></w:r></w:p></w:body></w:document>`;

export interface WordOptions {
  /** Add word/vbaProject.bin (a .docm). */
  readonly macro?: boolean;
  /** Remote template in word/_rels/settings.xml.rels (template injection). */
  readonly remoteTemplate?: string;
  /** Linked OLE object in word/_rels/document.xml.rels. */
  readonly oleLink?: string;
}

/** A VBA project storage (vbaProject.bin) whose module runs a program when the document opens. */
export function vbaProject(): Buffer {
  return buildOle2({
    'VBA/_VBA_PROJECT': Buffer.from([0xcc, 0x61, 0xff, 0xff, 0x00]),
    'VBA/ThisDocument': Buffer.from('Attribute VB_Name = "ThisDocument"\r\nSub AutoOpen()\r\n Shell "cmd /c calc"\r\nEnd Sub'),
    'VBA/dir': Buffer.from([1, 2, 3]),
    PROJECT: Buffer.from('ID="{00000000}"\r\nDocument=ThisDocument/&H00000000'),
  });
}

/** A Word document as Office writes it (OOXML zip). */
export async function buildWord(options: WordOptions = {}): Promise<Buffer> {
  const members: ZipMember[] = [
    { name: '[Content_Types].xml', content: Buffer.from(CONTENT_TYPES(options.macro === true)) },
    { name: '_rels/.rels', content: Buffer.from(ROOT_RELS) },
    { name: 'word/document.xml', content: Buffer.from(DOCUMENT) },
  ];
  if (options.macro) members.push({ name: 'word/vbaProject.bin', content: vbaProject() });
  if (options.remoteTemplate) {
    members.push({
      name: 'word/_rels/settings.xml.rels',
      content: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1337" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="${options.remoteTemplate.replace(/&/g, '&amp;')}" TargetMode="External"/></Relationships>`,
      ),
    });
  }
  if (options.oleLink) {
    members.push({
      name: 'word/_rels/document.xml.rels',
      content: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id='rId5' Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject' Target='${options.oleLink}' TargetMode='External'/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://benign.example/" TargetMode="External"/></Relationships>`,
      ),
    });
  }
  return buildZip(members);
}

/** An OLE2 compound file with these streams (paths with `/` make storages). */
export function buildOle2(streams: Readonly<Record<string, Buffer>>): Buffer {
  const cfb = CFB.utils.cfb_new();
  for (const [path, content] of Object.entries(streams)) CFB.utils.cfb_add(cfb, path, content);
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }) as Uint8Array);
}

/** The `\x01Ole` stream of an OLE object linked to a URL (URL moniker). */
export function linkedOleStream(url: string): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt32LE(0x02000001, 0);
  head.writeUInt32LE(1, 4); // linked
  const clsid = Buffer.from('e0c9ea79f9bace118c8200aa004ba90b', 'hex');
  const text = Buffer.from(url + '\0', 'utf16le');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(text.length);
  return Buffer.concat([head, clsid, len, text]);
}

/** A PDF whose catalog runs JavaScript on opening; names can be #-escaped, the catalog hidden in an object stream. */
export function buildPdf(options: { readonly escapeNames?: boolean; readonly inObjectStream?: boolean; readonly benign?: boolean } = {}): Buffer {
  // `/#4FpenAction` is /OpenAction: the first letter of each name written as a #-hex escape.
  const n = (name: string) => (options.escapeNames ? '#' + name.charCodeAt(0).toString(16).toUpperCase() + name.slice(1) : name);
  if (options.benign) {
    return Buffer.from(
      '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
      'latin1',
    );
  }
  const catalog = `<< /Type /Catalog /Pages 2 0 R /${n('OpenAction')} 3 0 R >>`;
  const action = `<< /S /${n('JavaScript')} /${n('JS')} (app.alert\\('x'\\);) >>`;
  if (!options.inObjectStream) {
    return Buffer.from(`%PDF-1.7\n1 0 obj\n${catalog}\nendobj\n3 0 obj\n${action}\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');
  }
  const objects = `1 0 3 ${catalog.length + 1} ${catalog} ${action}`;
  const packed = Buffer.from(objects, 'latin1');
  const data = deflateSync(packed);
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.7\n5 0 obj\n<< /Type /${options.escapeNames ? 'Obj#53tm' : 'ObjStm'} /N 2 /First 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
      'latin1',
    ),
    data,
    Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}
