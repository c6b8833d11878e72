// `c4tap migrate --from sqlite:./var --to mongodb://…`: copies the embedded deployment's store and
// vault into MongoDB and GridFS, then verifies the copy (equal counts, equal digest over every
// record read back through the store port, every blob decrypting to its SHA-256). Records are
// upserted and blobs already there are skipped, so an interrupted migration resumes by running
// the same command again. Run it with the exchange stopped.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { loadOrCreateSecrets, secretsPath } from '../../core/secrets.ts';
import { copyStore, verifyStoreCopy } from '../../core/store/copy-store.ts';
import { createMongoImporter } from '../../core/store/mongo-import.ts';
import { connectMongo, openMongoStore } from '../../core/store/mongo-store.ts';
import type { Store } from '../../core/store/port.ts';
import { openSqliteStore } from '../../core/store/sqlite-store.ts';
import { copyVault, verifyVaultCopy } from '../../quarantine/copy-vault.ts';
import { createFsBackend } from '../../quarantine/fs-backend.ts';
import { createGridFsBackend } from '../../quarantine/gridfs-backend.ts';
import { configFrom, fail } from '../cli-support.ts';
import { openVault, sqliteFile, vaultRoot } from '../context.ts';

interface MigrateOptions {
  readonly from: string;
  readonly to: string;
  readonly progress: boolean;
}

function sourceDir(from: string): string {
  if (!from.startsWith('sqlite:')) fail('--from: name the embedded data directory as sqlite:<dir>, e.g. sqlite:./var');
  const dir = path.resolve(from.slice('sqlite:'.length));
  if (!existsSync(sqliteFile(dir))) fail(`--from: no C4TAP database at ${sqliteFile(dir)}`);
  if (!existsSync(secretsPath(dir))) fail(`--from: no secrets file at ${secretsPath(dir)} (the vault keys are needed to verify the copy)`);
  return dir;
}

function progressBar(enabled: boolean, label: string): SingleBar | null {
  if (!enabled || !process.stderr.isTTY) return null;
  return new SingleBar({ format: `${label.padEnd(13)} [{bar}] {value}/{total}`, stream: process.stderr }, Presets.shades_classic);
}

/**
 * Digest run leases are copied as they are: one held now (a run under way or interrupted) ends at
 * its leaseUntil, and the next run resumes the same pending range (same Message-ID), as after a
 * crash. Says so when there is one, since the exchange should be stopped while migrating.
 */
async function leaseNote(source: Store): Promise<string | null> {
  const held = (await source.listDigestSubscriptions()).filter((s) => s.leaseOwner !== null);
  if (held.length === 0) return null;
  const until = held
    .map((s) => s.leaseUntil ?? '')
    .sort()
    .at(-1);
  return `note: ${held.length} digest run lease(s) held in the source, copied as they are: they end by ${until}, then the next run resumes their pending range`;
}

async function countIds(ids: AsyncIterable<string>): Promise<number> {
  let n = 0;
  for await (const _ of ids) n++;
  return n;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('copy the embedded store and vault to MongoDB and GridFS, verify, resume when run again')
    .requiredOption('--from <source>', 'sqlite:<data directory>')
    .requiredOption('--to <uri>', 'mongodb://… (the database named in the path, default c4tap)')
    .option('--no-progress', 'no progress bars')
    .action(async (opts: MigrateOptions, cmd: Command) => {
      const dir = sourceDir(opts.from);
      if (!/^mongodb(\+srv)?:\/\//.test(opts.to)) fail('--to: give a mongodb:// or mongodb+srv:// URI');
      const config = configFrom(cmd);
      const out = (line: string) => process.stdout.write(line + '\n');

      const source = openSqliteStore(sqliteFile(dir));
      const sourceBlobs = createFsBackend(vaultRoot(dir));
      const conn = await connectMongo({ uri: opts.to, writeConcern: config.store.writeConcern, journal: config.store.journal });
      try {
        const target = await openMongoStore(conn);
        const targetBlobs = await createGridFsBackend(conn.db);
        const { secrets } = loadOrCreateSecrets(dir);
        // Blobs a crash left in the source's spool are moved into its vault first: the copy reads the vault.
        const spooled = await openVault(sourceBlobs, secrets, source.spool).settleAll();
        if (spooled.failed > 0)
          fail(`${spooled.failed} spooled blob(s) of the source could not be moved into its vault (${vaultRoot(dir)}); nothing was copied`);
        if (spooled.settled > 0) out(`vault: ${spooled.settled} spooled blob(s) moved into the source vault first`);

        const counts = await source.counts();
        const storeBar = progressBar(opts.progress, 'store');
        storeBar?.start(
          Object.values(counts).reduce((a, b) => a + b, 0),
          0,
        );
        const records = await copyStore(source, createMongoImporter(conn.db), () => {
          if (storeBar && storeBar.getProgress() >= 1) storeBar.setTotal(storeBar.getTotal() + 1);
          storeBar?.increment();
        });
        storeBar?.stop();
        out(`store: ${records} records copied (upserted) to ${conn.db.databaseName}`);
        const note = await leaseNote(source);
        if (note) out(note);

        const blobTotal = await countIds(sourceBlobs.ids());
        const vaultBar = progressBar(opts.progress, 'vault');
        vaultBar?.start(blobTotal, 0);
        const copied = await copyVault(sourceBlobs, targetBlobs, () => vaultBar?.increment());
        vaultBar?.stop();
        out(`vault: ${copied.copied} blobs copied, ${copied.skipped} already there`);

        const storeCheck = await verifyStoreCopy(source, target);
        const verifyBar = progressBar(opts.progress, 'verify vault');
        verifyBar?.start(blobTotal, 0);
        const vaultCheck = await verifyVaultCopy(sourceBlobs, openVault(targetBlobs, secrets), () => verifyBar?.increment());
        verifyBar?.stop();

        for (const k of storeCheck.countMismatches) out(`MISMATCH ${k}: source ${storeCheck.counts.source[k]}, target ${storeCheck.counts.target[k]}`);
        if (storeCheck.digest.source.sha256 !== storeCheck.digest.target.sha256) out('MISMATCH: the records read back from MongoDB differ from the source');
        for (const id of vaultCheck.missing) out(`MISSING blob ${id}`);
        for (const d of vaultCheck.damaged) out(`DAMAGED blob ${d.sha256}: ${d.error}`);
        if (vaultCheck.extra) out(`note: the target vault holds ${vaultCheck.extra} blob(s) the source does not`);
        const ok = storeCheck.ok && vaultCheck.missing.length === 0 && vaultCheck.damaged.length === 0;
        out(
          ok
            ? `verified: counts equal, store digest ${storeCheck.digest.target.sha256.slice(0, 16)}… equal, ${vaultCheck.verified} blobs decrypt to their SHA-256`
            : 'verification FAILED: run the command again to resume, then compare',
        );
        out(`Copy ${secretsPath(dir)} into the data directory of every machine that runs C4TAP on MongoDB (vault keys, token and audit keys).`);
        if (!ok) process.exitCode = 1;
        await target.close();
      } finally {
        await source.close();
        await conn.close();
      }
    });
}
