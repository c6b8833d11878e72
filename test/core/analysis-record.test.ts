// Reading the stage records back (core/analysis-record): a missing analysis is "not analysed", one
// without a version is "legacy", one of the wrong shape is "unreadable" with the field named, and
// an evidence blob that is not the expected JSON is refused with its reason — never a crash or a
// guess. The console shows an unreadable record as STORE_CORRUPT and logs why.
import { expect } from 'chai';
import { parseOriginalEvidence, readAnalysisRecord, readIngestRecord, serializeOriginalEvidence } from '../../core/analysis-record/index.ts';
import { createLogger } from '../../core/logger.ts';
import { readOriginal } from '../../sharing/triage/original.ts';

const RECORD = {
  version: 1,
  analysedAt: '2026-12-04T10:00:00.000Z',
  original: { form: 'rfc822', rawSource: 'rfc822' },
  files: [],
  bodies: [],
  samples: 0,
  archives: {},
  indicators: 3,
  redactions: [],
  sanitizedSubject: null,
  verdict: { verdict: 'suspicious', score: 40, reasons: ['look-alike sender'] },
  cluster: null,
  related: null,
  received: null,
  incomplete: [],
  warnings: [],
  evidence: { sha256: 'a'.repeat(64) },
};

describe('analysis record: reading it back', function () {
  it('tells a missing analysis, a legacy one, a current one and one of the wrong shape apart', function () {
    expect(readAnalysisRecord({}).kind).to.equal('none');
    const { version: _v, ...legacy } = RECORD;
    expect(readAnalysisRecord({ analysis: legacy }).kind).to.equal('legacy');
    const current = readAnalysisRecord({ analysis: RECORD });
    expect(current.kind).to.equal('record');
    if (current.kind === 'record') expect(current.record.verdict?.verdict).to.equal('suspicious');
    const bad = readAnalysisRecord({ analysis: { ...RECORD, verdict: { verdict: 'evil', score: 1, reasons: [] } } });
    expect(bad.kind).to.equal('unreadable');
    if (bad.kind === 'unreadable') expect(bad.reason).to.match(/^verdict/);
  });

  it('refuses an evidence blob that is not JSON or not evidence, naming why, and reads back what it wrote', function () {
    const notJson = parseOriginalEvidence(Buffer.from('From: a@b\r\n\r\nhello'));
    expect(notJson.ok).to.equal(false);
    if (!notJson.ok) expect(notJson.reason).to.match(/not JSON/);
    const wrong = parseOriginalEvidence(Buffer.from(JSON.stringify({ version: 1, kind: 'original', headers: 'x' })));
    expect(wrong.ok).to.equal(false);
    const evidence = { version: 1, kind: 'unwrap-failed', reason: 'too-deep: 9 levels', rawText: 'From: x' } as const;
    expect(parseOriginalEvidence(serializeOriginalEvidence(evidence))).to.deep.equal({ ok: true, evidence });
  });

  it('reads the ingest record of an original and of a message that could not be unwrapped; anything else is null', function () {
    expect(readIngestRecord({ ingest: { form: 'rfc822', rawSource: 'rfc822', item: 2, items: 3, warnings: [], originalMessageId: '<m@x>' } })).to.include({
      item: 2,
    });
    expect(readIngestRecord({ ingest: { unwrapFailed: { reason: 'malformed', message: 'no header' }, originalMessageId: null } })).to.not.equal(null);
    expect(readIngestRecord({ ingest: { item: 'one' } })).to.equal(null);
  });

  it('shows an unreadable record as STORE_CORRUPT and logs the reason, without touching the vault', async function () {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });
    const view = await readOriginal(null, { id: 'sub-1', details: { analysis: { ...RECORD, files: 'none' } } }, log);
    expect(view).to.deep.equal({ kind: 'unavailable', code: 'STORE_CORRUPT' });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'triage.analysis_record_unreadable');
    expect(logged).to.deep.include({ submissionId: 'sub-1', code: 'STORE_CORRUPT' });
    expect(String(logged!['reason'])).to.match(/^files/);
  });
});
