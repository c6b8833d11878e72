// Sections of the submission page that show mail and analysis: what would be published, the
// sanitizer's changes as a diff, the original message as text, attachments, related submissions.
// Mail content is only ever interpolated as text (escaped), with hidden characters made visible.
import type { Sample } from '../../../core/types.ts';
import type { HeaderField } from '../../../core/analysis-record/index.ts';
import type { FileAnalysis } from '../../../analysis/types.ts';
import { archiveNotExamined } from '../../../analysis/archives/not-examined.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, visibleText, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { analysisText } from '../i18n/analysis-text.ts';
import { diffText } from '../submission/diff.ts';
import type { SubmissionView } from '../submission/load.ts';
import type { IndicatorRow } from '../submission/preview.ts';
import { csrfField } from './layout.ts';
import { classBadge, dataText, definitionList, mailText, notAnalysed, statusName, when } from './parts.ts';

export function withheldReason(rc: RequestContext, row: IndicatorRow): string {
  return row.decision.kind === 'withhold' ? rc.t(row.decision.reason === 'false-positive' ? 'sub.withheldFalsePositive' : 'sub.withheldWarningListed') : '';
}

export function previewSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  if (v.rows.length === 0) {
    return html`<section id="preview"><h2>${rc.t('sub.previewTitle')}</h2>${v.analysis.analysedAt ? html`<p class="muted">${rc.t('sub.noIndicators')}</p>` : notAnalysed(rc)}</section>`;
  }
  return html`<section id="preview"><h2>${rc.t('sub.previewTitle')}</h2>
    <p class="small">${rc.t('sub.previewExplain')}</p>
    <div class="kinds">${v.preview.map(
      (k) => html`<div class="kind-preview">
        <h3>${rc.t(`kind.${k.kind}` as MessageKey)} ${classBadge(k.class)}</h3>
        ${k.publish.length === 0 ? html`<p class="muted">${rc.t('sub.nothingPublished')}</p>` : html`<ul class="published">${k.publish.map((r) => html`<li><span class="type">${r.indicator.type}</span> <code>${visibleText(r.indicator.value)}</code> ${r.decision.kind === 'publish' ? classBadge(r.decision.class) : null}</li>`)}</ul>`}
        ${k.withheld.length === 0 ? null : html`<details><summary>${rc.t('sub.withheldCount', { n: k.withheld.length })}</summary><ul class="withheld">${k.withheld.map((r) => html`<li><span class="type">${r.indicator.type}</span> <code>${visibleText(r.indicator.value)}</code> — ${withheldReason(rc, r)}</li>`)}</ul></details>`}
      </div>`,
    )}</div>
  </section>`;
}

export function diffSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const reds = v.analysis.redactions;
  return html`<section id="redactions"><h2>${rc.t('sub.diffTitle')}</h2>
    ${
      reds === null
        ? notAnalysed(rc)
        : reds.length === 0
          ? html`<p class="muted">${rc.t('sub.noRedactions')}</p>`
          : html`<table class="diff"><thead><tr><th>${rc.t('sub.field')}</th><th>${rc.t('sub.change')}</th><th>${rc.t('sub.reason')}</th></tr></thead><tbody>
          ${reds.map(
            (r) =>
              html`<tr><td class="nowrap">${r.field}</td><td class="diffcell">${diffText(r.before, r.after).map((p) =>
                p.op === 'same'
                  ? html`<span>${visibleText(p.text)}</span>`
                  : p.op === 'del'
                    ? html`<del class="redacted" title="${rc.t('sub.redactedOriginal')}">${visibleText(p.text)}</del>`
                    : html`<ins class="placeholder" title="${rc.t('sub.redactedPublished')}">${visibleText(p.text)}</ins>`,
              )}</td><td>${analysisText(rc.lang, r.reason)}</td></tr>`,
          )}</tbody></table>`
    }
  </section>`;
}

export function verdictSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const s = v.analysis.verdict;
  return html`<section id="verdict"><h2>${rc.t('sub.verdictTitle')}</h2>
    ${
      s === null
        ? notAnalysed(rc)
        : html`<p><strong>${rc.t(`verdict.${s.verdict}` as MessageKey)}</strong> (${rc.t('sub.score')}: ${s.score})</p>
        <ul>${s.reasons.map((r) => html`<li>${analysisText(rc.lang, r)}</li>`)}</ul>`
    }
  </section>`;
}

function receivedChain(rc: RequestContext, v: SubmissionView, received: readonly string[]): SafeHtml {
  if (received.length === 0) return html`<p class="muted">${rc.t('sub.noReceived')}</p>`;
  const cut = v.analysis.received;
  const items = received.map((field, i) => {
    const side = cut ? (cut.entry !== null && i <= cut.entry ? 'internal' : 'attacker') : 'unknown';
    const marker = cut && cut.entry === i ? html`<li class="cut">${rc.t('sub.receivedCut', { matched: cut.entryMatched ?? '' })}</li>` : null;
    return html`<li class="hop ${side}"><span class="idx">${i}</span> <code>${visibleText(field)}</code></li>${marker}`;
  });
  return html`${cut ? (cut.entry === null ? html`<p class="warning">${rc.t('sub.receivedNotCut')}</p>` : null) : html`<p class="muted">${rc.t('sub.receivedCutUnknown')}</p>`}
    <ol class="received">${items}</ol>`;
}

/** A header field decoded (RFC 2047, Japanese charsets, by the analysis); the encoded form below when it differs. */
function headerRow(rc: RequestContext, h: HeaderField): SafeHtml {
  return html`<tr><th>${h.name}</th><td><span class="decoded">${visibleText(h.decoded)}</span>${
    h.decoded !== h.value ? html`<br><span class="small muted">${rc.t('sub.encodedAs')} <code>${visibleText(h.value)}</code></span>` : null
  }</td></tr>`;
}

/** The original as the analysis recorded it (sealed evidence); the raw mail is not read or parsed here. */
export function originalSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const o = v.original;
  const title = html`<h2>${rc.t('sub.originalTitle')}</h2>`;
  if (o.kind === 'not-analysed') return html`<section id="original">${title}${notAnalysed(rc)}</section>`;
  if (o.kind === 'legacy')
    return html`<section id="original">${title}<p class="warning" data-testid="original-legacy">${rc.t('sub.originalLegacy')}</p></section>`;
  if (o.kind === 'unavailable')
    return html`<section id="original">${title}<p class="warning">${rc.t('sub.originalUnavailable', { code: o.code })}</p></section>`;
  if (o.kind === 'unwrap-failed') {
    return html`<section id="original">${title}
      <p class="warning">${rc.t('sub.unwrapFailed', { reason: o.reason })}</p>
      <pre class="mail">${visibleText(o.rawText)}</pre></section>`;
  }
  const e = o.evidence;
  return html`<section id="original">${title}
    <p class="small">${rc.t('sub.originalExplain')}</p>
    ${e.note !== null ? html`<details><summary>${rc.t('sub.forwardNote')}</summary><pre class="mail">${visibleText(e.note)}</pre></details>` : null}
    <h3>${rc.t('sub.headers')}</h3>
    <table class="headers" data-testid="headers">${e.headers.map((h) => headerRow(rc, h))}</table>
    <h3>${rc.t('sub.receivedChain')}</h3>
    ${receivedChain(rc, v, e.received)}
    <h3>${rc.t('sub.textBody')}</h3>
    ${e.text !== null ? html`<pre class="mail" data-testid="text-body">${visibleText(e.text)}</pre>` : html`<p class="muted">${rc.t('sub.none')}</p>`}
    <h3>${rc.t('sub.htmlBody')}</h3>
    ${
      e.html !== null
        ? html`<p class="small">${rc.t('sub.htmlExplain')}</p>
        <pre class="mail" data-testid="html-as-text">${visibleText(e.htmlText ?? '')}</pre>
        <details><summary>${rc.t('sub.htmlSource')}</summary><pre class="mail source" data-testid="html-source">${visibleText(e.html)}</pre></details>`
        : html`<p class="muted">${rc.t('sub.none')}</p>`
    }
  </section>`;
}

function scanResult(rc: RequestContext, f: FileAnalysis): SafeHtml {
  // An archive whose contents were not examined is never shown as clean or without matches.
  const whyNot = archiveNotExamined(f.archive);
  const notExamined = whyNot
    ? html`<span class="warning" data-testid="not-examined">${rc.t('sub.notExamined', { reason: analysisText(rc.lang, whyNot) })}</span>`
    : null;
  const yara =
    f.yara.kind === 'scanned'
      ? f.yara.matches.length === 0
        ? (notExamined ?? html`<span class="muted">${rc.t('sub.yaraNone')}</span>`)
        : html`${f.yara.matches.map((m) => html`<span class="tag yara">${m.rule}</span> `)}`
      : html`<span class="warning">${rc.t('sub.notScanned', { reason: analysisText(rc.lang, f.yara.reason) })}</span>`;
  const av =
    f.av.kind === 'infected'
      ? html`<span class="tag av">${f.av.name}</span>`
      : f.av.kind === 'clean'
        ? (notExamined ?? html`${rc.t('sub.avClean')}`)
        : f.av.kind === 'not-configured'
          ? html`<span class="muted">${rc.t('sub.avNotConfigured')}</span>`
          : html`<span class="warning">${rc.t('sub.notScanned', { reason: analysisText(rc.lang, f.av.reason) })}</span>`;
  const flags = Object.entries(f.facts.flags)
    .filter(([, value]) => value === true || (Array.isArray(value) && value.length > 0))
    .map(([k, value]) => html`<span class="tag flag">${k}${Array.isArray(value) ? html`: ${value.join(', ')}` : null}</span> `);
  const archive = f.archive
    ? html`${rc.t(`archive.${f.archive.kind}` as MessageKey)}${f.archive.kind === 'expanded' ? html` — ${rc.t('sub.members', { n: f.archive.members })}${f.archive.password !== null ? html`, ${rc.t('sub.ppapPassword')} <code>${f.archive.password}</code>` : null}` : null}`
    : null;
  return definitionList([
    [rc.t('sub.path'), html`<code>${visibleText(f.file.path.join(' / '))}</code>`],
    [rc.t('sub.detectedType'), f.facts.detectedType ?? '—'],
    ['YARA', yara],
    ['AV', av],
    ...(flags.length ? ([[rc.t('sub.flags'), html`${flags}`]] as const) : []),
    ...(archive ? ([[rc.t('sub.archive'), archive]] as const) : []),
  ]);
}

function sampleRow(rc: RequestContext, v: SubmissionView, s: Sample, analyses: ReadonlyMap<string, FileAnalysis>): SafeHtml {
  const f = analyses.get(s.sha256);
  return html`<article class="sample" data-sha256="${s.sha256}">
    <h3>${mailText(s.declaredName ?? s.sha256)} <span class="muted">(${rc.t(`role.${s.role}` as MessageKey)}, ${rc.t('sub.bytes', { n: s.size })})</span></h3>
    ${definitionList([
      ['SHA-256', html`<code>${s.sha256}</code>`],
      ['SHA-1', html`<code>${s.sha1}</code>`],
      ['MD5', html`<code>${s.md5}</code>`],
      [rc.t('sub.declaredType'), s.declaredType ?? '—'],
      [rc.t('sub.stored'), when(rc, s.storedAt)],
    ])}
    ${f ? scanResult(rc, f) : s.role === 'attachment' || s.role === 'member' ? notAnalysed(rc) : null}
    ${
      s.purgedAt
        ? html`<p class="muted">${rc.t('sub.purged')} ${when(rc, s.purgedAt)}</p>`
        : html`<form method="post" action="${CONSOLE_PATH}/submissions/${encodeURIComponent(v.submission.id)}/samples/${s.sha256}/download" class="download">
          ${csrfField(rc)}
          <label class="warning"><input type="checkbox" name="confirm" value="yes" required> ${rc.t('sub.downloadWarning')}</label>
          <button type="submit">${rc.t('sub.download')}</button>
        </form>`
    }
  </article>`;
}

export function attachmentsSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const analyses = new Map((v.analysis.files ?? []).map((f) => [f.facts.sha256, f]));
  // The analysis's sealed evidence is a record of the submission, not a sample: shown as the original above.
  const order = { attachment: 0, member: 1, original: 2, raw: 3, evidence: 4 } as const;
  const samples = v.samples.filter((s) => s.role !== 'evidence').sort((a, b) => order[a.role] - order[b.role]);
  return html`<section id="attachments"><h2>${rc.t('sub.attachmentsTitle')}</h2>
    ${v.analysis.files === null ? notAnalysed(rc) : null}
    ${v.analysis.unreadableFiles > 0 ? html`<p class="warning">${rc.t('sub.unreadableFiles', { n: v.analysis.unreadableFiles })}</p>` : null}
    ${samples.map((s) => sampleRow(rc, v, s, analyses))}
  </section>`;
}

export function relatedSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  return html`<section id="related"><h2>${rc.t('sub.relatedTitle')}</h2>
    ${
      v.related.length === 0
        ? html`<p class="muted">${rc.t('sub.noRelated')}</p>`
        : html`<ul>${v.related.map(
            (
              r,
            ) => html`<li><a href="${CONSOLE_PATH}/submissions/${encodeURIComponent(r.submissionId)}">${r.submission ? mailText(r.submission.subject, 100) : r.submissionId}</a>
            — ${rc.t('sub.sharedIndicators', { n: r.shared })}${r.submission ? html`, ${statusName(rc, r.submission.status)}, ${when(rc, r.submission.receivedAt)}` : null}</li>`,
          )}</ul>`
    }
  </section>`;
}

export function notesSection(rc: RequestContext, v: SubmissionView): SafeHtml | null {
  const a = v.analysis;
  if (!a.incomplete.length && !a.warnings.length && !a.error && !a.unwrapFailed) return null;
  return html`<section id="notes"><h2>${rc.t('sub.notesTitle')}</h2>
    ${a.error ? html`<p class="warning">${rc.t('sub.analysisError', { reason: a.error })}</p>` : null}
    ${a.unwrapFailed ? html`<p class="warning">${rc.t('sub.unwrapFailed', { reason: a.unwrapFailed })}</p>` : null}
    ${a.incomplete.length ? html`<p class="warning">${rc.t('sub.incomplete')}</p><ul>${a.incomplete.map((x) => html`<li>${analysisText(rc.lang, x)}</li>`)}</ul>` : null}
    ${a.warnings.length ? html`<ul>${a.warnings.map((x) => html`<li>${analysisText(rc.lang, x)}</li>`)}</ul>` : null}
  </section>`;
}

export function clusterSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const c = v.analysis.cluster;
  return html`<section id="cluster"><h2>${rc.t('sub.clusterTitle')}</h2>
    ${
      c === null
        ? v.analysis.analysedAt
          ? html`<p class="muted">${rc.t('sub.noCluster')}</p>`
          : notAnalysed(rc)
        : html`<p><span class="reach reach-${c.label}" data-testid="cluster-label">${rc.t(`reach.${c.label}` as MessageKey)}</span>
          — ${rc.t('queue.orgsSectors', { orgs: c.organisations, sectors: c.sectors.length })}${c.sectors.length ? html` (${dataText(c.sectors.join(', '))})` : null}</p>
        <ul class="evidence">${c.evidence.map((e) => html`<li>${analysisText(rc.lang, e)}</li>`)}</ul>
        ${
          c.members.length
            ? html`<details${c.members.length <= 10 ? html` open` : null}><summary>${rc.t('sub.clusterMembers', { n: c.members.length })}</summary><ul>${c.members
                .slice(0, 200)
                .map(
                  (
                    m,
                  ) => html`<li><a href="${CONSOLE_PATH}/submissions/${encodeURIComponent(m.submissionId)}">${m.submissionId}</a> <span class="muted">${dataText(m.sector ?? '')}</span>
                ${m.shared.slice(0, 5).map((f) => html`<span class="tag"><span class="type">${f.type}</span> ${visibleText(f.value)}</span> `)}</li>`,
                )}</ul></details>`
            : null
        }`
    }
  </section>`;
}

/** Files analysis examined that have no stored sample record (shown so none goes unseen). */
export function unstoredFilesSection(rc: RequestContext, v: SubmissionView): SafeHtml | null {
  const stored = new Set(v.samples.map((s) => s.sha256));
  const files = (v.analysis.files ?? []).filter((f) => !stored.has(f.facts.sha256));
  if (files.length === 0) return null;
  return html`<section id="unstored-files"><h2>${rc.t('sub.unstoredFiles', { n: files.length })}</h2>
    ${files.map((f) => html`<article class="sample" data-sha256="${f.facts.sha256}"><h3>${mailText(f.file.declaredName ?? f.facts.sha256)}</h3>${scanResult(rc, f)}</article>`)}
  </section>`;
}
