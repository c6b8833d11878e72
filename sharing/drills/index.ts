// Drills (情報連絡訓練): starting one, the notice mail, the report. Acknowledgement tokens and
// recording an acknowledgement live in core/drills.ts (used by ingest and web alike).
export { DRILL_ACK_PATH, NO_ADDRESS, resendDrill, startDrill, type DrillDeps, type SendSummary, type StartDrillInput, type StartedDrill } from './start.ts';
export { buildNoticeMail, type NoticeMailInput } from './notice-mail.ts';
export {
  DRILL_CSV_COLUMNS,
  drillReport,
  drillReportCsv,
  drillReportRecords,
  type DrillNoticeStatus,
  type DrillReport,
  type DrillReportRow,
  type DrillSummary,
} from './report.ts';
