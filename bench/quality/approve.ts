// Waits for the analysis of every submission and approves each one through the REST API as the
// analyst (POST /api/v1/submissions/:id/approve), as the secretariat's automation would.
import { getJson, request } from './http.ts';

interface SubmissionSummary {
  readonly id: string;
  readonly status: string;
}

export interface ApprovalResult {
  readonly approved: ReadonlySet<string>;
  /** Submission id → status when it did not reach publication (failed, rejected, still analysing, refused). */
  readonly notPublished: ReadonlyMap<string, string>;
}

async function listAll(api: string, token: string, status?: string): Promise<SubmissionSummary[]> {
  const out: SubmissionSummary[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '500', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const page: { items: SubmissionSummary[]; next_cursor: string | null } = await getJson(`${api}/submissions?${q}`, token);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export async function approveAll(
  api: string,
  token: string,
  ids: ReadonlySet<string>,
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<ApprovalResult> {
  const approved = new Set<string>();
  const refused = new Map<string, string>();
  const until = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const all = (await listAll(api, token)).filter((s) => ids.has(s.id));
    const byStatus = new Map(all.map((s) => [s.id, s.status]));
    for (const s of all) {
      if (s.status !== 'awaiting-triage' || approved.has(s.id) || refused.has(s.id)) continue;
      const a = await request(`${api}/submissions/${s.id}/approve`, token, { method: 'POST', body: {} });
      if (a.status === 200) approved.add(s.id);
      else refused.set(s.id, `approve refused: ${a.status} ${a.body.slice(0, 200)}`);
    }
    const waiting = [...ids].filter((id) => !approved.has(id) && !refused.has(id) && !['published', 'rejected', 'failed'].includes(byStatus.get(id) ?? ''));
    const counts = new Map<string, number>();
    for (const st of byStatus.values()) counts.set(st, (counts.get(st) ?? 0) + 1);
    const line = `approved ${approved.size}/${ids.size}; ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}`;
    if (line !== lastLine) progress((lastLine = line));
    if (waiting.length === 0 || Date.now() > until) {
      const notPublished = new Map(refused);
      for (const id of ids) if (!approved.has(id) && !notPublished.has(id)) notPublished.set(id, byStatus.get(id) ?? 'unknown');
      return { approved, notPublished };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
