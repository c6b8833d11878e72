// `npm run bench`: the benchmarks, each bounded to a few seconds per case.
// `npm run bench -- pull console` runs only the named sections
// (ingest, pull, analysis-engines, analysis-latency, analysis-hostile, e2e, yara-rules, console, campaigns, mongo, vault-keys).
//   BENCH_BUDGET_MS   time per measured case (default 2500)
import { execFileSync } from 'node:child_process';
import { AUTH_CASES, benchIngest, benchIngestAuth, formatAuthRow, formatIngestRow, INGEST_CASES } from './ingest.ts';
import { benchPull, formatPullRow, PULL_SIZES } from './pull.ts';
import { benchAnalysisEngines } from './analysis-engines.ts';
import { benchAnalysisLatency, formatLatencyRow } from './analysis-latency.ts';
import { benchHostileArchives } from './analysis-hostile.ts';
import { benchAnalysisE2e } from './analysis-e2e.ts';
import { benchYaraRuleLoading } from './analysis-yara-rules.ts';
import { benchConsolePage, formatConsolePageRow } from './console-page.ts';
import { benchCampaigns, formatCampaignRow } from './campaigns.ts';
import { benchMongo } from './mongo.ts';
import { BACKUP_BLOBS, benchBackup, formatBackupRow } from './backup.ts';
import { benchVaultKeys, formatVaultKeysRow, VAULT_KEY_BLOBS } from './vault-keys.ts';

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SECTIONS = [
  'ingest',
  'pull',
  'analysis-engines',
  'analysis-latency',
  'analysis-hostile',
  'e2e',
  'yara-rules',
  'console',
  'campaigns',
  'mongo',
  'backup',
  'vault-keys',
] as const;

/** The sections named on the command line (all when none is named); an unknown name is refused. */
function chosenSections(args: readonly string[]): ReadonlySet<string> {
  const unknown = args.filter((a) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown bench section(s): ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return new Set(args.length > 0 ? args : SECTIONS);
}

async function main(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_BUDGET_MS ?? 2500);
  const want = chosenSections(process.argv.slice(2));
  if (want.has('ingest')) {
    process.stdout.write('== ingest: messages/s accepted durably over loopback (smtp-source, one message per connection) ==\n');
    if (!hasTool('smtp-source')) {
      process.stdout.write('skipped: smtp-source not found (Debian package postfix; only the tool is used)\n');
    } else {
      const rows = await benchIngest(INGEST_CASES, budgetMs, (row) => process.stdout.write(formatIngestRow(row) + '\n'));
      for (const delay of [...new Set(rows.map((r) => r.greetingDelayMs))]) {
        const worst = Math.min(...rows.filter((r) => r.greetingDelayMs === delay).map((r) => r.ratio));
        process.stdout.write(`greeting ${delay} ms: worst ratio ${worst.toFixed(2)} (target >= 1.0)\n`);
      }
    }
    process.stdout.write(
      '== ingest: STARTTLS + AUTH PLAIN by nodemailer (connections reused / one per message) vs a sink doing the same TLS + AUTH + fsync ==\n',
    );
    const authRows = await benchIngestAuth(AUTH_CASES, budgetMs, (row) => process.stdout.write(formatAuthRow(row) + '\n'));
    process.stdout.write(`STARTTLS+AUTH: worst ratio ${Math.min(...authRows.map((r) => r.ratio)).toFixed(2)} (target >= 1.0)\n`);
  }
  if (want.has('pull')) {
    process.stdout.write('== pull: indicator pages of 1,000 on SQLite (latency), 50 pullers vs a static file (autocannon) ==\n');
    for (const n of PULL_SIZES) process.stdout.write(formatPullRow(await benchPull(n, budgetMs)) + '\n');
  }
  if (want.has('analysis-engines')) {
    process.stdout.write('== analysis engines: our YARA-X scanner vs yara 4 CLI, our clamd client vs clamdscan --stream ==\n');
    await benchAnalysisEngines(budgetMs, (line) => process.stdout.write(line + '\n'));
  }
  if (want.has('analysis-latency')) {
    process.stdout.write('== analysis latency: accept -> ready for triage, mixed fixtures, AV off (target median < 1 s) ==\n');
    const latency = await benchAnalysisLatency(budgetMs * 2);
    for (const r of [...latency.rows, latency.all]) process.stdout.write(formatLatencyRow(r) + '\n');
  }
  if (want.has('analysis-hostile')) {
    process.stdout.write(
      '== analysis, hostile archives: a 100,000-member zip and a 42.zip-style archive against c4tap serve, health and SMTP measured meanwhile ==\n',
    );
    await benchHostileArchives((line) => process.stdout.write(line + '\n'));
  }
  if (want.has('e2e')) {
    process.stdout.write(
      '== end to end: 500 real forwards over SMTP (STARTTLS + AUTH) to c4tap serve with clamd, 250 -> ready for triage, vs parse + YARA + ClamAV alone; 1 vs 2 analysis processes ==\n',
    );
    await benchAnalysisE2e((line) => process.stdout.write(line + '\n'));
  }
  if (want.has('yara-rules')) {
    process.stdout.write('== YARA rule loading: community rule set (signature-base) compiled off the event loop ==\n');
    await benchYaraRuleLoading((line) => process.stdout.write(line + '\n'));
  }
  if (want.has('console')) {
    process.stdout.write('== console: submission page with 50 attachments and 500 indicators, signed-in analyst over loopback ==\n');
    process.stdout.write(formatConsolePageRow(await benchConsolePage(budgetMs)) + '\n');
  }
  if (want.has('campaigns')) {
    process.stdout.write('== campaigns: list and one 30-member campaign page with 10k submissions in the store, signed-in analyst over loopback ==\n');
    process.stdout.write(formatCampaignRow(await benchCampaigns(budgetMs)) + '\n');
  }
  if (want.has('vault-keys')) {
    process.stdout.write('== vault keys: keys remove scan of sealed headers, rotate --rewrap, one health probe ==\n');
    for (const n of VAULT_KEY_BLOBS) process.stdout.write(formatVaultKeysRow(await benchVaultKeys(n)) + '\n');
  }
  if (want.has('backup')) {
    process.stdout.write('== backup: c4tap backup and restore of a data directory with N sealed 64 KiB blobs, verification included ==\n');
    for (const n of BACKUP_BLOBS) process.stdout.write(formatBackupRow(await benchBackup(n)) + '\n');
  }
  if (want.has('mongo')) {
    process.stdout.write('== MongoDB-wire backend beside SQLite: ingest, pull, analysis workers 1 -> 2 processes ==\n');
    await benchMongo(budgetMs, (line) => process.stdout.write(line + '\n'), hasTool('smtp-source'));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
