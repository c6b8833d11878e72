// Verdict suggestion (pure): the analysers record, this policy suggests; the analyst decides.
//
//   suggestVerdict({ files, lookAlikes: sanitized.lookAlikes, from, replyTo, bodies })
//     → { verdict, score, reasons }
//
// Each fact adds points (capped at 100); 80 or more suggests `malicious`, 25 or more `suspicious`,
// less `unknown`. `benign` is never suggested: finding nothing proves nothing, and marking mail
// benign is an analyst's decision. Files that were not scanned are named in the reasons, never
// counted as clean.
//
//   AV detection                                   100
//   YARA rule, by meta.severity                    critical 100, high 80, medium 40, low 10,
//                                                  none given 20 (numbers: 0–10 or 0–100 scale)
//   Office macros (VBA project)                     40     external template / OLE link    40
//   PDF JavaScript                                  30     PDF OpenAction                  15
//   declared type disagrees with content            30
//   PPAP: encrypted archive opened with a password from the mail                           30
//   encrypted archive that could not be opened      30     archive bomb / nesting too deep 40
//   archive not examined: unreadable, too many members, unsupported format                 25
//   archive member whose stored name climbs out of the archive (zip-slip: ../, /, C:)     40
//
// Every archive whose contents were not examined is named in the reasons as "not examined".
// Files that were not scanned are named too, never counted as clean.
//   look-alike of a registered domain               homoglyph 60, other techniques 40
//   From and Reply-To in different registrable domains                                     20
import { getDomain } from 'tldts';
import type { LookAlike } from './indicators/look-alike.ts';
import { normalizeAddress } from './indicators/normalize.ts';
import { isTraversalName } from './archives/member-name.ts';
import { archiveNotExamined } from './archives/not-examined.ts';
import type { FileAnalysis, VerdictSuggestion, YaraMatch, YaraOutcome } from './types.ts';

export interface VerdictFacts {
  readonly files: readonly FileAnalysis[];
  /** Look-alikes of registered domains among the indicators (sanitize().lookAlikes). */
  readonly lookAlikes: readonly LookAlike[];
  /** Addresses of the original's From and Reply-To. */
  readonly from: readonly string[];
  readonly replyTo: readonly string[];
  /** YARA outcomes of the decoded bodies, when scanned. */
  readonly bodies?: readonly YaraOutcome[];
}

export const MALICIOUS_SCORE = 80;
export const SUSPICIOUS_SCORE = 25;

const SEVERITY_POINTS: Readonly<Record<string, number>> = { critical: 100, high: 80, medium: 40, low: 10, info: 0, informational: 0 };

/** Points for one YARA match, by its meta.severity. */
export function yaraPoints(m: YaraMatch): number {
  const s = m.meta['severity'];
  if (typeof s === 'number') {
    const pct = s <= 10 ? s * 10 : s;
    return pct >= 90 ? 100 : pct >= 70 ? 80 : pct >= 40 ? 40 : 10;
  }
  if (typeof s === 'string') return SEVERITY_POINTS[s.trim().toLowerCase()] ?? 20;
  return 20;
}

function nameOf(f: FileAnalysis): string {
  return f.file.path.length > 0 ? f.file.path.join(' > ') : (f.file.declaredName ?? f.facts.sha256.slice(0, 12));
}

interface Finding {
  readonly points: number;
  readonly reason: string;
}

function fileFindings(f: FileAnalysis): Finding[] {
  const name = nameOf(f);
  const out: Finding[] = [];
  if (f.av.kind === 'infected') out.push({ points: 100, reason: `anti-virus: ${f.av.name} in ${name}` });
  if (f.yara.kind === 'scanned') {
    for (const m of f.yara.matches)
      out.push({ points: yaraPoints(m), reason: `YARA ${m.rule} (severity ${String(m.meta['severity'] ?? 'not given')}) in ${name}` });
  }
  const flags = f.facts.flags;
  if (flags.macros) out.push({ points: 40, reason: `Office macros (VBA project) in ${name}` });
  if (flags.externalLinks && flags.externalLinks.length > 0) out.push({ points: 40, reason: `external template or OLE link in ${name}` });
  if (flags.pdfJavaScript) out.push({ points: 30, reason: `PDF JavaScript in ${name}` });
  if (flags.pdfOpenAction) out.push({ points: 15, reason: `PDF OpenAction in ${name}` });
  if (flags.typeMismatch) out.push({ points: 30, reason: `declared type of ${name} disagrees with its content (${f.facts.detectedType ?? 'unknown'})` });
  const a = f.archive;
  if (a?.kind === 'expanded' && a.password !== null)
    out.push({ points: 30, reason: `PPAP: encrypted archive ${name} opened with a password found in the mail` });
  const notExamined = archiveNotExamined(a);
  if (a && notExamined) {
    const points = a.kind === 'bomb' || a.kind === 'too-deep' ? 40 : a.kind === 'encrypted' ? 30 : 25;
    out.push({ points, reason: `not examined: ${name} (${notExamined}); its contents were not scanned` });
  }
  if (f.file.role === 'member' && f.file.declaredName !== null && isTraversalName(f.file.declaredName)) {
    out.push({ points: 40, reason: `archive member stored under a name that climbs out of the archive (zip-slip): ${f.file.declaredName} in ${name}` });
  }
  return out;
}

function notScanned(f: FileAnalysis): string[] {
  const out: string[] = [];
  if (f.av.kind === 'not-scanned') out.push(`not scanned by anti-virus: ${nameOf(f)} (${f.av.reason})`);
  if (f.yara.kind === 'not-scanned') out.push(`not scanned by YARA: ${nameOf(f)} (${f.yara.reason})`);
  return out;
}

function registrable(address: string): string | null {
  const a = normalizeAddress(address);
  return a ? (getDomain(a.domain.value, { allowPrivateDomains: true }) ?? a.domain.value) : null;
}

export function suggestVerdict(facts: VerdictFacts): VerdictSuggestion {
  const findings: Finding[] = facts.files.flatMap(fileFindings);
  for (const outcome of facts.bodies ?? []) {
    if (outcome.kind === 'scanned') for (const m of outcome.matches) findings.push({ points: yaraPoints(m), reason: `YARA ${m.rule} in the mail body` });
  }
  for (const l of facts.lookAlikes) {
    const shown = l.unicode !== l.domain ? `${l.unicode} (${l.domain})` : l.domain;
    findings.push({
      points: l.techniques.includes('homoglyph') ? 60 : 40,
      reason: `look-alike of registered domain ${l.of}: ${shown} [${l.techniques.join(', ')}]`,
    });
  }
  const fromDomains = new Set(facts.from.map(registrable).filter((d): d is string => d !== null));
  for (const r of facts.replyTo) {
    const d = registrable(r);
    if (d && fromDomains.size > 0 && !fromDomains.has(d))
      findings.push({ points: 20, reason: `Reply-To (${d}) differs from From (${[...fromDomains].join(', ')})` });
  }
  const score = Math.min(
    100,
    findings.reduce((sum, f) => sum + f.points, 0),
  );
  const verdict = score >= MALICIOUS_SCORE ? 'malicious' : score >= SUSPICIOUS_SCORE ? 'suspicious' : 'unknown';
  const reasons = [...findings.sort((a, b) => b.points - a.points).map((f) => f.reason), ...facts.files.flatMap(notScanned)];
  if (findings.length === 0) reasons.push('no detection: not evidence of a benign mail');
  return { verdict, score, reasons: [...new Set(reasons)] };
}
