// `npm run quality [-- --limit N --keep --parallel P --workers W]`: the real-corpus confidentiality
// and quality measurement (issue 12). Plants participant identities where the corpus has
// `phishing@pot`, forwards every mail through the real SMTP server (STARTTLS + AUTH), approves
// through the API, reads every surface of every tier, and measures leaks, junk and recall against
// an independent reference extraction (reference.py). Exit 0 when the measurement ran (targets
// missed or not), 1 when the harness failed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { approveAll } from './approve.ts';
import { collectApiSurfaces, publishedOf, type FeedItem, type Surface } from './collect-api.ts';
import { collectDigests } from './collect-digests.ts';
import { newWorkDir, REPO, unpackCorpus, WARNING_LISTS } from './corpus.ts';
import { buildForward } from './forward.ts';
import { getJson } from './http.ts';
import { AFFILIATE, OBSERVER, PARTICIPANTS, SECRETARIAT, VICTIMS, readerAddress, submitterAddress } from './identities.ts';
import { identifiersOf } from './identifiers.ts';
import { junkFigures } from './junk.ts';
import { matcherOf, scanSurfaces, scanText } from './leaks.ts';
import { planMail, type MailPlan } from './plan.ts';
import { plantIdentity } from './plant.ts';
import { emptyRecall, measureMail, publishedSetOf } from './recall.ts';
import { runReference } from './reference.ts';
import { formatReport, writeReport, type QualityReport } from './report.ts';
import { sendAll, type Outgoing } from './send.ts';
import { validateStrict } from './stix-strict.ts';
import { DROP_ADDRESS, startSystem, systemCli, type SystemUnderTest } from './system.ts';

interface Options {
  readonly limit: number;
  readonly keep: boolean;
  readonly parallel: number;
  readonly workers: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    const n = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: expected a whole number`);
    return n;
  };
  return { limit: value('--limit', 500), keep: argv.includes('--keep'), parallel: value('--parallel', 4), workers: value('--workers', 1) };
}

const log = (line: string) => process.stderr.write(`[quality ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface SubmissionView {
  readonly indicators: { readonly type: string; readonly value: string; readonly publication: string | null }[];
}

async function measure(opts: Options, workDir: string, started: number, holder: { sut: SystemUnderTest | null }): Promise<QualityReport> {
  const corpus = unpackCorpus(workDir, opts.limit);
  if (corpus.mails.length === 0) throw new Error('the corpus has no mails');
  const plantedDir = path.join(workDir, 'planted');
  mkdirSync(plantedDir);
  const plans: MailPlan[] = [];
  const planted = new Map<string, Buffer>();
  const plantCounts: Record<string, number> = {};
  corpus.mails.forEach((m, i) => {
    const plan = planMail(i, m.name);
    const p = plantIdentity(m.raw, plan.victim);
    for (const [k, v] of Object.entries(p.counts)) plantCounts[k] = (plantCounts[k] ?? 0) + v;
    plans.push(plan);
    planted.set(m.name, p.raw);
    writeFileSync(path.join(plantedDir, m.name), p.raw);
  });
  log(`planted ${corpus.mails.length} mails: ${JSON.stringify(plantCounts)}`);

  const sut = await startSystem(opts.workers, log);
  holder.sut = sut;
  const outgoing: Outgoing[] = [];
  for (const plan of plans) {
    const org = plan.victim.org;
    const raw = await buildForward({
      original: planted.get(plan.name)!,
      form: plan.form,
      cls: plan.cls,
      submitter: submitterAddress(org),
      dropAddress: DROP_ADDRESS,
    });
    outgoing.push({ key: plan.name, user: org.submitter!, password: sut.smtpSecrets.get(org.submitter!)!, from: submitterAddress(org), to: DROP_ADDRESS, raw });
  }
  const sendStart = Date.now();
  const outcomes = await sendAll({ port: sut.smtpPort, ca: sut.tlsCa }, outgoing, opts.parallel, (n) => n % 100 === 0 && log(`sent ${n}/${outgoing.length}`));
  const submissionOf = new Map<string, string>();
  const refused = outcomes.filter((o) => o.kind === 'refused');
  for (const o of outcomes) if (o.kind === 'accepted' && o.submissionIds[0]) submissionOf.set(o.key, o.submissionIds[0]);
  log(`sent ${outgoing.length} forwards in ${((Date.now() - sendStart) / 1000).toFixed(1)} s: ${submissionOf.size} accepted, ${refused.length} refused`);
  if (submissionOf.size === 0) throw new Error(`no forward was accepted; first reply: ${refused[0]?.reply ?? '-'}`);

  const api = `${sut.httpUrl}/api/v1`;
  const analyst = sut.tokens.get(SECRETARIAT.reader)!;
  const approveStart = Date.now();
  const approval = await approveAll(api, analyst, new Set(submissionOf.values()), 40 * 60_000, log);
  log(`approved ${approval.approved.size} in ${((Date.now() - approveStart) / 1000).toFixed(1)} s; not published: ${approval.notPublished.size}`);
  if (approval.approved.size === 0) throw new Error('no submission reached triage and approval');

  const digestRun = await systemCli(sut, ['digest', 'run', '--now']);
  log(`digest run: ${digestRun.trim().replace(/\n/g, ' | ')}`);
  const participant = PARTICIPANTS[0]!;
  const readers = new Map([
    ['participant', sut.tokens.get(participant.reader)!],
    ['observer', sut.tokens.get(OBSERVER.reader)!],
    ['affiliate', sut.tokens.get(AFFILIATE.reader)!],
  ]);
  const collected = await collectApiSurfaces(sut.httpUrl, readers);
  const analystFeed = await collectApiSurfaces(sut.httpUrl, new Map([['analyst', analyst]]));
  const digests = await collectDigests(
    sut.httpUrl,
    path.join(sut.data.dir, 'outbox'),
    [
      { tier: 'participant', address: readerAddress(participant), token: readers.get('participant')! },
      { tier: 'observer', address: readerAddress(OBSERVER), token: readers.get('observer')! },
      { tier: 'affiliate', address: readerAddress(AFFILIATE), token: readers.get('affiliate')! },
    ],
    digestRun,
  );
  // A participant's own digest names its own reader; that is the envelope, not a leak.
  const digestSurfaces: Surface[] = digests.surfaces.map((s) => ({ name: s.name, body: s.body.split(readerAddress(participant)).join('<reader>') }));
  const surfaces = [...collected.surfaces, ...digestSurfaces];
  log(
    `collected ${surfaces.length} surface documents (${(surfaces.reduce((a, s) => a + s.body.length, 0) / 1e6).toFixed(1)} MB), ${digests.messages} digest message(s)`,
  );

  const perSubmission = new Map<string, SubmissionView>();
  for (const id of approval.approved) perSubmission.set(id, await getJson<SubmissionView>(`${api}/submissions/${id}`, analyst));

  const allItems: FeedItem[] = [...collected.feeds.values(), ...analystFeed.feeds.values()].flat();
  const published = publishedOf(allItems);
  const ref = await runReference({
    warninglists: WARNING_LISTS,
    participantDomains: PARTICIPANTS.map((o) => o.domain),
    mails: plans.filter((p) => submissionOf.has(p.name)).map((p) => ({ id: p.name, file: path.join(plantedDir, p.name), form: p.form })),
    published: [...published.values()].map((i) => ({ type: i.type, value: i.value })),
  });

  const corpusText = corpus.mails
    .map((m) => m.raw.toString('utf8'))
    .join('\n')
    .normalize('NFKC')
    .toLowerCase();
  const ids = identifiersOf(VICTIMS, [...PARTICIPANTS], corpusText);
  const hits = scanSurfaces(surfaces, ids.identifiers);
  const matcher = matcherOf(ids.identifiers);
  const leakingIndicators = [...published.values()].flatMap((i) => scanText(`${i.type} ${i.value}`, i.value, ids.identifiers, matcher));

  const feedSet = publishedSetOf([...(collected.feeds.get('participant') ? publishedOf(collected.feeds.get('participant')!).values() : [])]);
  const recall = { submission: emptyRecall(), feed: emptyRecall() };
  for (const plan of plans) {
    const id = submissionOf.get(plan.name);
    const refMail = ref.mails[plan.name];
    if (!id || !refMail || !approval.approved.has(id)) continue;
    const own = perSubmission.get(id)!.indicators.filter((i) => i.publication === 'publish');
    measureMail(plan, refMail, publishedSetOf(own), recall.submission);
    measureMail(plan, refMail, feedSet, recall.feed);
  }
  const stix = await validateStrict([...collected.surfaces, ...analystFeed.surfaces]);
  log(`STIX strict validation: ${stix.documents ?? 'skipped (no .tmp/venv)'} documents, ${stix.invalid} invalid`);
  const refErrors = Object.entries(ref.mails)
    .filter(([, m]) => m.error)
    .map(([k, m]) => `${k}: ${m.error}`);
  const report: QualityReport = {
    run: {
      mails: corpus.mails.length,
      accepted: submissionOf.size,
      refused: refused.map((o) => `${o.key}: ${o.reply}`),
      approved: approval.approved.size,
      notPublished: Object.fromEntries(approval.notPublished),
      planted: plantCounts,
      forms: countBy(plans.map((p) => p.form)),
      classes: countBy(plans.map((p) => p.cls)),
      surfaces: surfaces.length,
      digestMessages: digests.messages,
      digestRun: digestRun.trim(),
      publishedIndicators: published.size,
      publishedByType: countBy([...published.values()].map((i) => i.type)),
      referenceErrors: refErrors,
      submissions: Object.fromEntries(
        plans.map((p) => [p.name, { submission: submissionOf.get(p.name) ?? null, form: p.form, class: p.cls, victim: p.victim.address }]),
      ),
      seconds: Math.round((Date.now() - started) / 1000),
    },
    leaks: { hits, leakingIndicators, notDistinctive: ids.notDistinctive },
    junk: junkFigures(ref.classified),
    recall,
    stix,
  };
  return report;
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const opts = parseOptions(process.argv.slice(2));
  const workDir = newWorkDir();
  const holder: { sut: SystemUnderTest | null } = { sut: null };
  try {
    const report = await measure(opts, workDir, started, holder);
    const r = report.run;
    process.stdout.write(
      `C4TAP quality on the real corpus: ${r['mails']} mails, ${r['accepted']} accepted, ${r['approved']} approved and published, ` +
        `${r['publishedIndicators']} distinct indicators published, ${r['surfaces']} surface documents, ${r['digestMessages']} digests, ${r['seconds']} s\n`,
    );
    process.stdout.write(`forms ${JSON.stringify(r['forms'])}, classes ${JSON.stringify(r['classes'])}, planted ${JSON.stringify(r['planted'])}\n`);
    process.stdout.write(formatReport(report));
    process.stdout.write(`report: ${writeReport(REPO, report)}\n`);
  } finally {
    const sut = holder.sut;
    if (sut && (sut.serve.child.exitCode !== null || sut.serve.child.signalCode !== null)) {
      log(`serve had exited (${sut.serve.child.exitCode ?? sut.serve.child.signalCode}); its stderr ends: ${sut.serve.errors().slice(-3000)}`);
    }
    if (sut) await sut.stop();
    if (opts.keep) log(`kept ${workDir}${sut ? ` and ${sut.data.dir}` : ''}`);
    else {
      rmSync(workDir, { recursive: true, force: true });
      sut?.data.remove();
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`quality failed: ${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
