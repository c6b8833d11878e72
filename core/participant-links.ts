// Where participants follow their reports: the participant page (web/participant/), mounted at
// PARTICIPANT_PATH under the exchange's base URL. The receipt links here; the page serves these paths.

export const PARTICIPANT_PATH = '/participant';

/** The participant page's URL of one report, e.g. https://c4tap.example/participant/reports/sub_…. */
export function participantReportUrl(baseUrl: string, submissionId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${PARTICIPANT_PATH}/reports/${encodeURIComponent(submissionId)}`;
}
