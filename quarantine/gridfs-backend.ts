// GridFS backend of the vault (the scale-out deployment): sealed blobs in a GridFS bucket, found
// through one pointer document per blob id in `<bucket>.blobs` ({ _id: sha256, fileId }).
//
// The pointer is the commit point, written after the bytes:
// - write: upload the file, then insert the pointer. Its unique `_id` decides, across processes,
//   which of two concurrent writers created the blob; the other deletes its upload.
// - replace (rewrap): upload the new file, swap the pointer's fileId in one single-document
//   update, then delete the old file. A reader sees the old blob or the new one, never a mix.
// - remove: delete the pointer (whoever deletes it answers true), then the file.
// A crash between the steps leaves a file no pointer names; it is never read, and the sweep at
// start-up deletes such files (and chunks whose file document is missing) once they are older
// than `staleAfterMs`, so a writer in another process is not disturbed. Writes use the
// database's write concern (`majority`, journaled, by default).
import type { Db, ObjectId } from 'mongodb';
import { GridFSBucket } from 'mongodb';
import { C4Error } from '../core/errors.ts';
import { isDuplicateKey } from '../core/store/mongo-db.ts';
import { assertBlobId, isBlobId } from './blob-id.ts';
import type { SealedBlobBackend } from './vault-port.ts';

export interface GridFsBackendOptions {
  /** GridFS bucket name; the pointers live in `<bucket>.blobs` (default `vault`). */
  readonly bucketName?: string;
  /** Files no pointer names are leftovers of a crash once older than this (default 15 minutes). */
  readonly staleAfterMs?: number;
  readonly now?: () => number;
}

interface PointerDoc {
  _id: string;
  fileId: ObjectId;
  size: number;
}

const STALE_AFTER_MS = 15 * 60 * 1000;
const SWEEP_BATCH = 500;

export async function createGridFsBackend(db: Db, options: GridFsBackendOptions = {}): Promise<SealedBlobBackend> {
  const bucketName = options.bucketName ?? 'vault';
  const bucket = new GridFSBucket(db, { bucketName });
  const files = db.collection(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  const pointers = db.collection<PointerDoc>(`${bucketName}.blobs`);

  // One index per call (FerretDB v1 trips over a createIndexes call naming several existing ones).
  await files.createIndex({ filename: 1, uploadDate: 1 }, { name: 'filename_1_uploadDate_1' });
  await chunks.createIndex({ files_id: 1, n: 1 }, { name: 'files_id_1_n_1', unique: true });
  await pointers.createIndex({ fileId: 1 }, { name: 'file' });
  await sweepOrphans(db, bucketName, (options.now ?? Date.now)() - (options.staleAfterMs ?? STALE_AFTER_MS));

  function upload(id: string, sealed: Buffer): Promise<ObjectId> {
    return new Promise((resolve, reject) => {
      const stream = bucket.openUploadStream(id, { metadata: { blob: id } });
      stream.once('error', reject);
      stream.once('finish', () => resolve(stream.id));
      stream.end(sealed);
    });
  }

  async function download(fileId: ObjectId): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of bucket.openDownloadStream(fileId)) parts.push(part as Buffer);
    return Buffer.concat(parts);
  }

  async function deleteFile(fileId: ObjectId): Promise<void> {
    await files.deleteOne({ _id: fileId });
    await chunks.deleteMany({ files_id: fileId });
  }

  return {
    async write(id, sealed) {
      assertBlobId(id);
      if (await pointers.findOne({ _id: id }, { projection: { _id: 1 } })) return false;
      const fileId = await upload(id, sealed);
      try {
        await pointers.insertOne({ _id: id, fileId, size: sealed.length });
        return true;
      } catch (err) {
        await deleteFile(fileId);
        if (isDuplicateKey(err)) return false; // another writer created it first
        throw err;
      }
    },

    async read(id) {
      assertBlobId(id);
      // A rewrap or removal may delete the file between reading the pointer and its chunks:
      // read the pointer again once.
      for (let attempt = 0; ; attempt++) {
        const pointer = await pointers.findOne({ _id: id });
        if (!pointer) return null;
        try {
          return await download(pointer.fileId);
        } catch (err) {
          if (attempt > 0) throw err;
        }
      }
    },

    async exists(id) {
      assertBlobId(id);
      return (await pointers.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
    },

    async remove(id) {
      assertBlobId(id);
      const pointer = await pointers.findOneAndDelete({ _id: id });
      if (!pointer) return false;
      await deleteFile(pointer.fileId);
      return true;
    },

    async replace(id, sealed) {
      assertBlobId(id);
      if (!(await pointers.findOne({ _id: id }, { projection: { _id: 1 } }))) {
        throw new C4Error('VAULT_NOT_FOUND', `blob ${id} is not in the vault`, { sha256: id });
      }
      const fileId = await upload(id, sealed);
      const before = await pointers.findOneAndUpdate({ _id: id }, { $set: { fileId, size: sealed.length } }, { returnDocument: 'before' });
      if (!before) {
        await deleteFile(fileId);
        throw new C4Error('VAULT_NOT_FOUND', `blob ${id} is not in the vault`, { sha256: id });
      }
      await deleteFile(before.fileId);
    },

    async *ids() {
      for await (const p of pointers.find({}, { projection: { _id: 1 } }).sort({ _id: 1 })) {
        if (isBlobId(p._id)) yield p._id;
      }
    },

    async freeBytes() {
      return null; // the database server's disk is not ours to measure
    },
  };
}

/**
 * Deletes what interrupted writes left (see the file comment) from before `cutoffMs`: files no
 * pointer names, and chunks whose file document is missing. Returns how many files and chunk
 * groups were removed.
 */
export async function sweepOrphans(db: Db, bucketName: string, cutoffMs: number): Promise<number> {
  const files = db.collection(`${bucketName}.files`);
  const chunks = db.collection(`${bucketName}.chunks`);
  const pointers = db.collection<PointerDoc>(`${bucketName}.blobs`);
  const cutoff = new Date(cutoffMs);
  let removed = 0;

  const old = files.find({ uploadDate: { $lt: cutoff } }, { projection: { _id: 1 } });
  let batch: ObjectId[] = [];
  const flush = async () => {
    const named = new Set((await pointers.find({ fileId: { $in: batch } }, { projection: { fileId: 1 } }).toArray()).map((p) => p.fileId.toHexString()));
    for (const id of batch) {
      if (named.has(id.toHexString())) continue;
      await files.deleteOne({ _id: id });
      await chunks.deleteMany({ files_id: id });
      removed++;
    }
    batch = [];
  };
  for await (const f of old) {
    batch.push(f._id as ObjectId);
    if (batch.length >= SWEEP_BATCH) await flush();
  }
  if (batch.length) await flush();

  const chunkFiles = (await chunks.distinct('files_id')) as ObjectId[];
  for (let i = 0; i < chunkFiles.length; i += SWEEP_BATCH) {
    const slice = chunkFiles.slice(i, i + SWEEP_BATCH).filter((id) => typeof id?.getTimestamp === 'function' && id.getTimestamp().getTime() < cutoffMs);
    if (slice.length === 0) continue;
    const present = new Set((await files.find({ _id: { $in: slice } }, { projection: { _id: 1 } }).toArray()).map((f) => (f._id as ObjectId).toHexString()));
    for (const id of slice) {
      if (present.has(id.toHexString())) continue;
      await chunks.deleteMany({ files_id: id });
      removed++;
    }
  }
  return removed;
}
