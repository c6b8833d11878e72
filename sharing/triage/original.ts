// The original suspicious message of a submission, re-read from the vault and unwrapped: for the
// victim-name check (victim-gate.ts) and for the console's display of the original.
import { isC4Error } from '../../core/errors.ts';
import type { Organisation, Submission } from '../../core/types.ts';
import { itemOfSubmission } from '../../analysis/pipeline.ts';
import { DEFAULT_UNWRAP_LIMITS, unwrapForward, type OriginalItem, type Unwrapped } from '../../core/mail/forward/index.ts';
import type { Vault } from '../../quarantine/vault-port.ts';

export type OriginalView =
  | { readonly kind: 'ok'; readonly unwrapped: Unwrapped; readonly item: OriginalItem }
  | { readonly kind: 'unwrap-failed'; readonly reason: string; readonly rawText: string }
  | { readonly kind: 'unavailable'; readonly code: string };

/** Shown as text: the first bytes of a message that could not be unwrapped. */
const RAW_TEXT_MAX = 256 * 1024;

export async function readOriginal(vault: Vault | null, sub: Submission, org: Organisation | null): Promise<OriginalView> {
  if (!vault) return { kind: 'unavailable', code: 'VAULT_UNAVAILABLE' };
  let raw: Buffer;
  try {
    raw = await vault.get(sub.rawSha256);
  } catch (err) {
    if (isC4Error(err)) return { kind: 'unavailable', code: err.code };
    throw err;
  }
  const unwrapped = await unwrapForward(raw, DEFAULT_UNWRAP_LIMITS, { internalDomains: org?.domains ?? [] });
  if (unwrapped.kind === 'failed')
    return { kind: 'unwrap-failed', reason: `${unwrapped.reason}: ${unwrapped.message}`, rawText: raw.subarray(0, RAW_TEXT_MAX).toString('latin1') };
  return { kind: 'ok', unwrapped, item: itemOfSubmission(unwrapped, sub, raw) };
}
