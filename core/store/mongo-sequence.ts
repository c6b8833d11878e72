// Numbered logs in MongoDB (publication seq, sighting ids, audit seq) without transactions: a
// writer reads the highest number, inserts its document with `_id` = that + 1, and on a
// duplicate key (another writer took the number) reads again and retries. The unique `_id`
// index is the only arbiter, so two writers never get the same number, on any MongoDB-wire server.
//
// Why not a counter document ($inc, then insert)? A counter hands out numbers before the
// documents exist: writer A gets 10, writer B gets 11, B's insert lands first, and a client
// pulling "everything after 9" sees 11, moves its cursor to 11 and never sees 10. Here a number
// is taken only after the one before it exists, so the log is always a gap-free prefix
// 1, 2, …, n: whoever sees entry n has every entry before it available too. The price is a retry
// per concurrent writer, which is cheap at the rates these logs grow.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { C4Error } from '../errors.ts';
import { isDuplicateKey } from './mongo-db.ts';

export interface Numbered extends Document {
  _id: number;
}

/** The highest number in the collection, 0 when it is empty. */
export async function highestNumber<D extends Numbered>(coll: Collection<D>): Promise<number> {
  const [top] = await coll
    .find({}, { projection: { _id: 1 } })
    .sort({ _id: -1 })
    .limit(1)
    .toArray();
  return (top?._id as number | undefined) ?? 0;
}

const MAX_ATTEMPTS = 1000;

export type NumberedResult<D, E> = { readonly inserted: D } | { readonly existing: E };

/**
 * Inserts `build(n)` at the next free number n. `build` may throw to stop (the audit chain does).
 * After a duplicate key, `existing()` says whether the write already happened under its own
 * unique key (an idempotency key): then that record is returned instead of retrying.
 */
export async function insertNumbered<D extends Numbered, E>(
  coll: Collection<D>,
  build: (n: number) => D | Promise<D>,
  existing: () => Promise<E | null>,
  next: () => Promise<number> = async () => (await highestNumber(coll)) + 1,
  taken: (n: number) => void = () => {},
): Promise<NumberedResult<D, E>> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await build(await next());
    try {
      await coll.insertOne(doc as OptionalUnlessRequiredId<D>);
      taken(doc._id);
      return { inserted: doc };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      taken(0);
    }
    const found = await existing();
    if (found !== null) return { existing: found };
    // Many writers at once: spread the retries a little.
    if (attempt >= 3) await sleep(Math.random() * Math.min(20, attempt));
  }
  throw new C4Error('STORE_UNAVAILABLE', `${coll.collectionName}: no free number after ${MAX_ATTEMPTS} attempts`, { collection: coll.collectionName });
}

export interface NumberedLog<D extends Numbered> {
  insert<E>(build: (n: number) => D, existing: () => Promise<E | null>): Promise<NumberedResult<D, E>>;
  highest(): Promise<number>;
}

/**
 * A numbered collection as one process writes it: the number it took last is the first guess
 * for the next one, so a lone writer never reads the highest number again; any duplicate key
 * (another writer was first) drops the guess and reads it.
 */
export function numberedLog<D extends Numbered>(coll: Collection<D>): NumberedLog<D> {
  let last = 0;
  return {
    insert: (build, existing) =>
      insertNumbered(
        coll,
        build,
        existing,
        async () => (last > 0 ? last : await highestNumber(coll)) + 1,
        (n) => {
          last = n;
        },
      ),
    highest: () => highestNumber(coll),
  };
}
