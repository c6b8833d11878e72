// The readable report on stdout and the JSON file of every figure and miss.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JunkFigures } from './junk.ts';
import type { LeakHit } from './leaks.ts';
import { ratio, type MailRecall, type Measure } from './recall.ts';
import type { StrictValidation } from './stix-strict.ts';

export interface QualityReport {
  readonly run: Readonly<Record<string, unknown>>;
  readonly leaks: { readonly hits: readonly LeakHit[]; readonly leakingIndicators: readonly LeakHit[]; readonly notDistinctive: readonly string[] };
  readonly junk: JunkFigures;
  readonly recall: { readonly submission: MailRecall; readonly feed: MailRecall };
  /** REST, TAXII and public STIX documents through `stix2_validator --strict` (issue 15). */
  readonly stix: StrictValidation;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

function recallLine(label: string, m: Measure, target: number | null): string {
  const r = ratio(m);
  return `${label.padEnd(44)} ${pct(r).padStart(8)}  (${m.found}/${m.expected})${target === null ? '' : `  target >= ${pct(target)}  ${verdict(r >= target)}`}`;
}

export function formatReport(r: QualityReport): string {
  const lines: string[] = [];
  const hits = r.leaks.hits;
  lines.push('== planted identifiers found on published surfaces (any encoding; target 0) ==');
  lines.push(
    `hits: ${hits.length} (surface, identifier) pairs on ${new Set(hits.map((h) => h.surface)).size} surface(s); published indicators carrying one: ${r.leaks.leakingIndicators.length}  ${verdict(hits.length === 0)}`,
  );
  for (const h of hits.slice(0, 20)) lines.push(`  ${h.surface} | ${h.kind} "${h.identifier}" (${h.encoding}) | …${h.context}…`);
  for (const h of r.leaks.leakingIndicators.slice(0, 10)) lines.push(`  indicator ${h.surface} | ${h.kind} "${h.identifier}"`);
  if (r.leaks.notDistinctive.length) lines.push(`  (name words not searched, already in the unplanted corpus: ${r.leaks.notDistinctive.join(', ')})`);

  const j = r.junk;
  const share = j.published === 0 ? 0 : j.junk / j.published;
  lines.push('== published indicators a warning list or the Received cut should have withheld (target < 0.5%) ==');
  lines.push(`${j.junk} of ${j.published} = ${pct(share)}  ${verdict(share < 0.005)}`);
  for (const [cat, n] of Object.entries(j.byCategory).sort((a, b) => b[1] - a[1])) {
    lines.push(`  ${cat.padEnd(40)} ${String(n).padStart(6)}   e.g. ${(j.examples[cat] ?? []).slice(0, 3).join(' | ')}`);
  }
  lines.push(
    `  by type: ${
      Object.entries(j.byType)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-'
    }`,
  );

  for (const [label, rec] of [
    ['the submission (analyst view, published)', r.recall.submission],
    ['the widest surface (participant feed)', r.recall.feed],
  ] as const) {
    lines.push(`== recall against the reference extraction, in ${label} ==`);
    lines.push(recallLine('sender domains (not warning-listed)', rec.senders, 0.995));
    lines.push(recallLine('URL hosts (not warning-listed)', rec.hosts, 0.98));
    lines.push(recallLine('full URLs', rec.urls, 0.97));
    lines.push(recallLine('full URLs carrying the victim (redacted match)', rec.identityUrls, null));
    if (rec === r.recall.submission) {
      for (const [name, m] of [
        ['sender domain', rec.senders],
        ['URL host', rec.hosts],
        ['full URL', rec.urls],
        ['victim URL', rec.identityUrls],
      ] as const) {
        for (const x of m.misses.slice(0, 10)) lines.push(`  missed ${name}: ${x.mail}  ${x.item.slice(0, 160)}${x.note ? `  [${x.note}]` : ''}`);
      }
    }
  }
  const x = r.stix;
  lines.push('== STIX documents of every reader (REST pages, TAXII pages, public feed) through stix2_validator --strict (target 0 invalid) ==');
  lines.push(
    x.documents === null
      ? 'skipped: the OASIS validator is not installed (.ci/python/setup.sh)'
      : `${x.invalid} of ${x.documents} documents invalid  ${verdict(x.invalid === 0)}`,
  );
  for (const e of x.errors) lines.push(`  ${e}`);
  return lines.join('\n') + '\n';
}

export function writeReport(repo: string, r: QualityReport): string {
  const dir = path.join(repo, '.tmp', 'quality');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'report.json');
  writeFileSync(file, JSON.stringify(r, null, 2));
  return file;
}
