// The drill report: every notice with when it was sent, when and how it was acknowledged and how
// fast, and the ones still missing; as rows for the console and the CLI, and as CSV.
import { stringify } from 'csv-stringify/sync';
import type { Drill, DrillAckVia, DrillNotice } from '../../core/store/port.ts';

export type DrillNoticeStatus = 'acknowledged' | 'missing' | 'not-sent';

export interface DrillReportRow {
  readonly noticeId: string;
  readonly orgId: string;
  readonly organisation: string;
  readonly contact: string;
  readonly address: string;
  readonly status: DrillNoticeStatus;
  readonly sentAt: string | null;
  readonly ackAt: string | null;
  /** Minutes from sending to the acknowledgement, one decimal; null when either is missing. */
  readonly minutes: number | null;
  readonly via: DrillAckVia | null;
  readonly error: string | null;
}

export interface DrillSummary {
  readonly notices: number;
  readonly sent: number;
  readonly acknowledged: number;
  /** Sent, not acknowledged. */
  readonly missing: number;
  /** Never sent (no address, or sending failed) and not acknowledged. */
  readonly notSent: number;
  readonly medianMinutes: number | null;
}

export interface DrillReport {
  readonly drill: Drill;
  readonly rows: readonly DrillReportRow[];
  readonly summary: DrillSummary;
}

function minutesBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  // Clocks of two processes may disagree by a little: an answer is never faster than zero.
  const ms = Math.max(0, Date.parse(to) - Date.parse(from));
  return Math.round(ms / 6000) / 10;
}

function statusOf(n: DrillNotice): DrillNoticeStatus {
  if (n.ackAt) return 'acknowledged';
  return n.sentAt ? 'missing' : 'not-sent';
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 10) / 10;
}

export function drillReport(drill: Drill, notices: readonly DrillNotice[]): DrillReport {
  const rows: DrillReportRow[] = notices.map((n) => ({
    noticeId: n.id,
    orgId: n.orgId,
    organisation: n.orgName,
    contact: n.contactName,
    address: n.address,
    status: statusOf(n),
    sentAt: n.sentAt,
    ackAt: n.ackAt,
    minutes: minutesBetween(n.sentAt, n.ackAt),
    via: n.ackVia,
    error: n.ackAt ? null : n.lastError,
  }));
  const count = (s: DrillNoticeStatus) => rows.filter((r) => r.status === s).length;
  return {
    drill,
    rows,
    summary: {
      notices: rows.length,
      sent: rows.filter((r) => r.sentAt !== null).length,
      acknowledged: count('acknowledged'),
      missing: count('missing'),
      notSent: count('not-sent'),
      medianMinutes: median(rows.flatMap((r) => (r.minutes === null ? [] : [r.minutes]))),
    },
  };
}

export const DRILL_CSV_COLUMNS = [
  'drill_id',
  'drill_title',
  'organisation',
  'org_id',
  'contact',
  'address',
  'status',
  'sent_at',
  'acknowledged_at',
  'minutes',
  'via',
  'error',
] as const;

/** One record per notice, missing ones included, in the columns of the CSV report. */
export function drillReportRecords(report: DrillReport): Record<(typeof DRILL_CSV_COLUMNS)[number], string>[] {
  return report.rows.map((r) => ({
    drill_id: report.drill.id,
    drill_title: report.drill.title,
    organisation: r.organisation,
    org_id: r.orgId,
    contact: r.contact,
    address: r.address,
    status: r.status,
    sent_at: r.sentAt ?? '',
    acknowledged_at: r.ackAt ?? '',
    minutes: r.minutes === null ? '' : r.minutes.toFixed(1),
    via: r.via ?? '',
    error: r.error ?? '',
  }));
}

/** The report as CSV; spreadsheet formulas in names are neutralised. */
export function drillReportCsv(report: DrillReport): string {
  return stringify(drillReportRecords(report), { header: true, columns: [...DRILL_CSV_COLUMNS], escape_formulas: true, record_delimiter: 'windows' });
}
