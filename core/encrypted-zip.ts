// AES-256 encrypted zip archives (WinZip AE-2, which 7-Zip, WinZip, macOS Archive Utility's
// successors and zip.js open) built in memory with @zip.js/zip.js, no web workers.
import { Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

export interface ZipFile {
  readonly name: string;
  readonly content: Buffer;
  /** Modification time stored for the entry; now when absent. */
  readonly modified?: Date;
  /** Deflate level 0–9; 0 stores the file as it is. */
  readonly level?: number;
}

export async function encryptedZip(files: readonly ZipFile[], password: string): Promise<Buffer> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password, encryptionStrength: 3, zipCrypto: false, useWebWorkers: false });
  for (const f of files) {
    const data = new Uint8Array(f.content.buffer, f.content.byteOffset, f.content.length);
    await writer.add(f.name, new Uint8ArrayReader(data), {
      ...(f.modified ? { lastModDate: f.modified } : {}),
      ...(f.level !== undefined ? { level: f.level } : {}),
    });
  }
  return Buffer.from(await writer.close());
}
