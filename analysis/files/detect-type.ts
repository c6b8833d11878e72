// The type of a file from its content (magic numbers) with the `file-type` package (v21, the last
// major that runs on Node 20), and whether the sender's name or type for it disagrees.
import { fileTypeFromBuffer } from 'file-type';

export interface DetectedType {
  readonly mime: string;
  readonly ext: string;
}

// One detection per buffer: archives and facts both ask about the same file.
const memo = new WeakMap<Buffer, Promise<DetectedType | null>>();

export function detectType(content: Buffer): Promise<DetectedType | null> {
  let pending = memo.get(content);
  if (!pending) {
    pending = fileTypeFromBuffer(content)
      .then((t) => (t ? { mime: t.mime, ext: t.ext } : null))
      .catch(() => null);
    memo.set(content, pending);
  }
  return pending;
}

/** Extensions that name the same format; the first of each group is what file-type answers. */
const SAME_FORMAT: readonly (readonly string[])[] = [
  ['jpg', 'jpeg', 'jpe', 'jfif'],
  ['tif', 'tiff'],
  ['htm', 'html'],
  ['gz', 'gzip', 'tgz'],
  ['mp4', 'm4v', 'm4a'],
  ['xml', 'xsl', 'svg'],
  // OLE2 compound files: legacy Office, Outlook messages, installers
  ['cfb', 'doc', 'dot', 'xls', 'xlt', 'ppt', 'pps', 'pot', 'msg', 'msi', 'msp', 'vsd', 'pub', 'one'],
  // zip containers file-type does not tell apart
  ['zip', 'jar', 'apk', 'xpi', 'kmz', 'ipa', 'nupkg', 'vsix', 'appx', 'msix', 'crx', 'whl', 'war', 'ear', 'xps', 'oxps'],
  ['docx', 'docm', 'dotx', 'dotm'],
  ['xlsx', 'xlsm', 'xltx', 'xltm', 'xlam'],
  ['pptx', 'pptm', 'potx', 'potm', 'ppsx', 'ppsm', 'ppam'],
  ['exe', 'dll', 'scr', 'sys', 'cpl', 'ocx', 'com', 'efi', 'drv'],
];

function sameFormat(a: string, b: string): boolean {
  return a === b || SAME_FORMAT.some((g) => g.includes(a) && g.includes(b));
}

/** Declared types that say nothing about the content. */
const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'application/unknown',
  'application/x-msdownload',
  'binary/octet-stream',
  'application/force-download',
]);

/** A few declared MIME types mail clients write, by the extension they stand for. */
const TYPE_EXT: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'application/gzip': 'gz',
  'application/x-gzip': 'gz',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-word.document.macroenabled.12': 'docm',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-excel.sheet.macroenabled.12': 'xlsm',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'text/html': 'html',
  'application/x-iso9660-image': 'iso',
  'application/x-rar-compressed': 'rar',
  'application/vnd.rar': 'rar',
  'application/x-7z-compressed': '7z',
};

export function extensionOf(name: string | null): string | null {
  const base = (name ?? '').trim().replace(/^.*[\\/]/, '');
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || dot === base.length - 1) return null;
  const ext = base.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : null;
}

/**
 * Whether the declared name (its extension) or, without one, the declared MIME type names another
 * format than the content. Unknown content never disagrees (text formats have no magic number).
 */
export function typeMismatch(declaredName: string | null, declaredType: string | null, detected: DetectedType | null): boolean {
  if (!detected) return false;
  const ext = extensionOf(declaredName);
  if (ext) return !sameFormat(ext, detected.ext);
  const type = (declaredType ?? '').toLowerCase().split(';')[0]!.trim();
  if (!type || GENERIC_TYPES.has(type) || type.startsWith('message/')) return false;
  const typeExt = TYPE_EXT[type];
  if (typeExt) return !sameFormat(typeExt, detected.ext);
  // Other declared types: only a different kind of thing (text/… for an image/…) disagrees.
  return type.split('/')[0] !== detected.mime.toLowerCase().split('/')[0];
}
