// `c4tap import`: history and migrations from other systems go through exactly the SMTP accept
// pipeline (same unwrapping, directives and duplicate detection), on behalf of one principal.
import { acceptMessage, type AcceptDeps } from './accept.ts';
import { readSources } from './import-sources.ts';
import type { Envelope, Principal } from '../core/types.ts';
import { canSubmit } from '../core/directory.ts';
import { C4Error, toC4Error } from '../core/errors.ts';

export type ImportStatus = 'accepted' | 'duplicate' | 'refused';

export interface ImportOutcome {
  readonly origin: string;
  readonly status: ImportStatus;
  readonly submissions: readonly string[];
  /** Why a message was refused: an error code and message. */
  readonly reason: string | null;
}

export interface ImportSummary {
  readonly accepted: number;
  readonly duplicates: number;
  readonly refused: readonly ImportOutcome[];
  readonly total: number;
}

export interface ImportOptions {
  readonly principal: Principal;
  readonly paths: readonly string[];
  /** Recipient recorded in the envelope: the drop address, or a class address such as amber@…. */
  readonly recipient: string;
  readonly maxMessageBytes: number;
  readonly onMessage?: (outcome: ImportOutcome) => void;
}

export async function importMessages(deps: AcceptDeps, options: ImportOptions): Promise<ImportSummary> {
  const { principal } = options;
  if (!canSubmit(principal)) {
    throw new C4Error('FORBIDDEN', `principal "${principal.name}" is disabled or not a submitter`);
  }
  const envelope: Envelope = {
    mailFrom: principal.email,
    rcptTo: [options.recipient],
    remoteAddress: 'import',
    heloName: 'c4tap-import',
    transport: 'import',
  };
  let accepted = 0;
  let duplicates = 0;
  let total = 0;
  const refused: ImportOutcome[] = [];
  for await (const msg of readSources(options.paths)) {
    total++;
    const outcome = await importOne(deps, options, envelope, msg.origin, msg.raw);
    if (outcome.status === 'accepted') accepted++;
    else if (outcome.status === 'duplicate') duplicates++;
    else refused.push(outcome);
    options.onMessage?.(outcome);
  }
  return { accepted, duplicates, refused, total };
}

async function importOne(deps: AcceptDeps, options: ImportOptions, envelope: Envelope, origin: string, raw: Buffer): Promise<ImportOutcome> {
  const refuse = (reason: string): ImportOutcome => ({ origin, status: 'refused', submissions: [], reason });
  if (raw.length === 0) return refuse('MALFORMED_MESSAGE: empty message');
  if (raw.length > options.maxMessageBytes) {
    return refuse(`MESSAGE_TOO_LARGE: ${raw.length} bytes exceeds smtp.maxMessageBytes (${options.maxMessageBytes})`);
  }
  try {
    const result = await acceptMessage(deps, { principal: options.principal, envelope, raw });
    // No reply waits here: the message's spooled blobs go to the vault before the next one (and before the command exits).
    await result.settled;
    const ids = result.submissions.map((s) => s.id);
    const status: ImportStatus = result.submissions.every((s) => s.duplicate) ? 'duplicate' : 'accepted';
    return { origin, status, submissions: ids, reason: null };
  } catch (err) {
    const e = toC4Error(err);
    deps.log.error({ event: 'import.refused', origin, code: e.code, err: e }, 'import refused a message');
    return refuse(`${e.code}: ${e.message}`);
  }
}
