// Facts about OLE2 compound files (legacy .doc/.xls/.ppt, and encrypted OOXML) with SheetJS `cfb`:
// a VBA project (`_VBA_PROJECT` stream, `Macros` or `_VBA_PROJECT_CUR` storage), an encrypted
// package, and linked OLE objects whose `\x01Ole` stream names a URL moniker (CVE-2017-0199 style).
import CFB from 'cfb';
import type { CFB$Container } from 'cfb';

export interface Ole2Facts {
  readonly macros: boolean;
  readonly encrypted: boolean;
  readonly externalLinks: readonly string[];
}

const VBA_NAMES = new Set(['_VBA_PROJECT', '_VBA_PROJECT_CUR', 'Macros', 'VBA']);
/** CLSID of the URL moniker {79EAC9E0-BAF9-11CE-8C82-00AA004BA90B} as stored (little-endian fields). */
const URL_MONIKER = Buffer.from('e0c9ea79f9bace118c8200aa004ba90b', 'hex');
const OLE_LINKED = 0x00000001;
const MAX_URL_BYTES = 4096;

/** URLs named by URL monikers in a linked object's `\x01Ole` stream. */
export function oleStreamLinks(stream: Buffer): string[] {
  if (stream.length < 8 || !(stream.readUInt32LE(4) & OLE_LINKED)) return [];
  const out: string[] = [];
  for (let at = stream.indexOf(URL_MONIKER); at >= 0; at = stream.indexOf(URL_MONIKER, at + 16)) {
    const lenAt = at + 16;
    if (lenAt + 4 > stream.length) break;
    const len = Math.min(stream.readUInt32LE(lenAt), MAX_URL_BYTES, stream.length - lenAt - 4);
    const url = stream
      .subarray(lenAt + 4, lenAt + 4 + len)
      .toString('utf16le')
      .replace(/\0[\s\S]*$/, '');
    if (url) out.push(url);
  }
  return out.length ? out : ['(linked OLE object)'];
}

export function ole2Facts(content: Buffer): Ole2Facts | null {
  let container: CFB$Container;
  try {
    container = CFB.read(content, { type: 'buffer' });
  } catch {
    return null;
  }
  let macros = false;
  let encrypted = false;
  const externalLinks: string[] = [];
  for (const entry of container.FileIndex) {
    if (VBA_NAMES.has(entry.name)) macros = true;
    if (entry.name === 'EncryptedPackage' || entry.name === 'EncryptionInfo') encrypted = true;
    if (entry.name === '\u0001Ole' && entry.content) {
      for (const link of oleStreamLinks(Buffer.from(entry.content as Uint8Array))) if (!externalLinks.includes(link)) externalLinks.push(link);
    }
  }
  return { macros, encrypted, externalLinks };
}
