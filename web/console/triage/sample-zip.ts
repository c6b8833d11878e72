// Sample download: the raw blob from the vault inside an AES-256 encrypted zip with the password
// `infected` (the sample-exchange convention, so no mail filter or virus scanner on the analyst's
// side opens it by accident), for RED-audience principals only, every download audited.
import type { AuditAppender } from '../../../core/audit.ts';
import { encryptedZip } from '../../../core/encrypted-zip.ts';
import { C4Error } from '../../../core/errors.ts';
import type { SampleStore, SubmissionStore } from '../../../core/store/port.ts';
import type { Organisation, Principal } from '../../../core/types.ts';
import { mayReceiveSample } from '../../../sharing/class-policy.ts';
import type { Vault } from '../../../quarantine/vault-port.ts';

export const SAMPLE_ZIP_PASSWORD = 'infected';

export interface SampleZip {
  readonly fileName: string;
  readonly content: Buffer;
}

export interface SampleDeps {
  readonly store: SubmissionStore & SampleStore;
  readonly vault: Vault;
  readonly audit: AuditAppender;
}

/**
 * The sample `sha256` of a submission as an encrypted zip. The entry is named by its hash with
 * a `.bin` suffix (never the sender's file name, which may carry tricks). Refuses viewers outside
 * the submission's RED audience (sharing/class-policy mayReceiveSample).
 */
export async function sampleZip(
  deps: SampleDeps,
  viewer: { principal: Principal; org: Organisation },
  submissionId: string,
  sha256: string,
): Promise<SampleZip> {
  const sub = await deps.store.getSubmission(submissionId);
  if (!sub) throw new C4Error('NOT_FOUND', `no submission ${submissionId}`);
  if (!mayReceiveSample(viewer, sub.orgId)) {
    await deps.audit({ actor: viewer.principal.id, action: 'sample.download-refused', target: sha256, data: { submissionId } });
    throw new C4Error('FORBIDDEN', 'samples go to the RED audience only');
  }
  const isOwn = sub.rawSha256 === sha256 || (await deps.store.listSamples(sub.id)).some((s) => s.sha256 === sha256);
  if (!/^[0-9a-f]{64}$/.test(sha256) || !isOwn) throw new C4Error('NOT_FOUND', `submission ${submissionId} has no sample ${sha256}`);
  const content = await deps.vault.get(sha256);
  const zip = await encryptedZip([{ name: `${sha256}.bin`, content, level: 0 }], SAMPLE_ZIP_PASSWORD);
  await deps.audit({
    actor: viewer.principal.id,
    action: 'sample.downloaded',
    target: sha256,
    data: { submissionId, size: content.length, format: 'zip-aes256' },
  });
  return { fileName: `${sha256.slice(0, 16)}.zip`, content: zip };
}
