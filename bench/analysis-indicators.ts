// The indicator step's CPU per message on the real corpus (../shared/corpus): each mail with a
// participant's victim planted (bench/quality/plant.ts) and forwarded by its submitter
// (bench/quality/forward.ts), unwrapped, its files found and archives opened (untimed), then timed:
// the sanitizer's context (victim search), indicator extraction (with the Received cut) and the
// sanitizer — analysis/pipeline-indicators.ts without its store writes (and without file facts:
// no hash or YARA indicators, which the sanitizer passes through). Prints ms per message for
// each part and a digest of everything the step produced (victims, indicators, redactions,
// subjects), so two versions can be compared on what they find and redact as well as on time.
// Times are CPU time of the process (process.cpuUsage), less sensitive than wall time to the other
// work of a shared machine; the load average is printed beside them.
//   npx tsx bench/analysis-indicators.ts [mails=500] [rounds=3]
// Add --cpu-prof to tsx for a profile of the timed rounds.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandArchives, DEFAULT_ARCHIVE_LIMITS } from '../analysis/archives/index.ts';
import { findFiles } from '../analysis/files/index.ts';
import { extractIndicators } from '../analysis/indicators/index.ts';
import { loadAnalysisPolicies } from '../analysis/pipeline-indicators.ts';
import { infrastructureOf, sanitize, type OrganisationRecord } from '../analysis/sanitize/index.ts';
import { submissionSanitizeContext } from '../analysis/sanitize/submission-context.ts';
import { unwrapForward, type OriginalItem, type Unwrapped } from '../core/mail/forward/index.ts';
import { newWorkDir, REPO, unpackCorpus } from './quality/corpus.ts';
import { buildForward, FORWARD_FORMS } from './quality/forward.ts';
import { PARTICIPANTS, submitterAddress, VICTIMS } from './quality/identities.ts';
import { plantIdentity } from './quality/plant.ts';

const DROP = 'report@c4tap.example';
const EXCHANGE = { domains: ['c4tap.example'], addresses: [DROP], networks: [] as string[] };
const ORGS: readonly OrganisationRecord[] = PARTICIPANTS.map((p, i) => ({ id: `org-${i}`, name: p.name, domains: [p.domain], networks: [] }));

interface Prepared {
  readonly orgId: string;
  readonly mailFrom: string;
  readonly original: { readonly unwrapped: Unwrapped; readonly item: OriginalItem };
  readonly members: readonly { readonly name: string | null; readonly content: Buffer }[];
}

async function prepare(limit: number): Promise<Prepared[]> {
  const work = newWorkDir();
  try {
    const corpus = unpackCorpus(work, limit);
    const out: Prepared[] = [];
    for (const [i, mail] of corpus.mails.entries()) {
      const victim = VICTIMS[i % VICTIMS.length]!;
      const submitter = submitterAddress(victim.org);
      const planted = plantIdentity(mail.raw, victim).raw;
      const raw = await buildForward({ original: planted, form: FORWARD_FORMS[i % FORWARD_FORMS.length]!, cls: 'AMBER', submitter, dropAddress: DROP });
      const unwrapped = await unwrapForward(raw, undefined, { internalDomains: [victim.org.domain] });
      if (unwrapped.kind !== 'unwrapped') continue;
      const item = unwrapped.items[0]!;
      const found = await findFiles(item);
      const expanded = await expandArchives(found.files, ['infected'], DEFAULT_ARCHIVE_LIMITS);
      const members = expanded.filter((e) => e.file.role === 'member').map((e) => ({ name: e.file.declaredName, content: e.file.content }));
      out.push({ orgId: `org-${PARTICIPANTS.indexOf(victim.org)}`, mailFrom: submitter, original: { unwrapped, item }, members });
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const limit = Number(process.argv[2] ?? 500);
  const rounds = Number(process.argv[3] ?? 3);
  const policies = loadAnalysisPolicies(path.join(REPO, 'policies'));
  const mails = await prepare(limit);
  const times = { context: 0, extract: 0, sanitize: 0 };
  let digest = '';
  for (let round = 0; round <= rounds; round++) {
    const hash = createHash('sha256');
    const t = { context: 0, extract: 0, sanitize: 0 };
    for (const m of mails) {
      let at = cpuMs();
      const ctx = submissionSanitizeContext({
        submission: { orgId: m.orgId, envelope: { mailFrom: m.mailFrom } },
        original: m.original,
        memberContents: m.members.map((f) => f.content),
        organisations: ORGS,
        exchange: EXCHANGE,
        policies,
      });
      t.context += cpuMs() - at;
      at = cpuMs();
      const extracted = extractIndicators({ item: m.original.item, files: [], memberContents: m.members, infrastructure: infrastructureOf(ctx) });
      t.extract += cpuMs() - at;
      at = cpuMs();
      const s = sanitize(extracted.candidates, m.original.item.headers.subject, { ...ctx, internalHops: extracted.received });
      t.sanitize += cpuMs() - at;
      hash.update(JSON.stringify([ctx.victims, ctx.submitters, ctx.otherRecipients, extracted.received, s]));
    }
    digest = hash.digest('hex');
    // Round 0 warms up (JIT, caches) and is not counted.
    if (round > 0) for (const k of Object.keys(times) as (keyof typeof times)[]) times[k] += t[k];
  }
  const per = (ms: number) => (ms / rounds / mails.length).toFixed(2);
  const total = times.context + times.extract + times.sanitize;
  console.log(
    `indicator step, ${mails.length} corpus mails x ${rounds} rounds: context ${per(times.context)} + extract ${per(times.extract)} + sanitize ${per(times.sanitize)} = ${per(total)} ms CPU/message` +
      ` (load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
  );
  console.log(`output digest ${digest}`);
}

await main();
