// The three digests samples are known by (SHA-256 is the vault id; SHA-1 and MD5 are what
// participants' tools and AV vendors still search for), computed in one pass over the data.
import { createHash } from 'node:crypto';

export interface FileHashes {
  readonly sha256: string;
  readonly sha1: string;
  readonly md5: string;
}

export interface MultiHasher {
  update(chunk: Buffer): void;
  digest(): FileHashes;
}

/** For streams: feed every chunk to `update`, then call `digest` once. */
export function createMultiHasher(): MultiHasher {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  const md5 = createHash('md5');
  return {
    update(chunk) {
      sha256.update(chunk);
      sha1.update(chunk);
      md5.update(chunk);
    },
    digest: () => ({ sha256: sha256.digest('hex'), sha1: sha1.digest('hex'), md5: md5.digest('hex') }),
  };
}

export function hashBuffer(data: Buffer): FileHashes {
  const hasher = createMultiHasher();
  hasher.update(data);
  return hasher.digest();
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
