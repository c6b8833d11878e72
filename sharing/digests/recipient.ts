// The recipient of a subscription's digest: the principal's address, language and time zone, the
// attachment mode with the zip password opened from its sealed form, and the authenticated link
// to the files of one delivery (files-route.ts).
import type { Secrets } from '../../core/secrets.ts';
import { openText, purposeKey, sealText } from '../../core/sealed-text.ts';
import type { DigestSubscription } from '../../core/store/port.ts';
import type { Viewer } from '../viewer.ts';
import type { DigestRecipient } from './content/types.ts';

export const DIGEST_FILES_MOUNT = '/digests/files';

/** The key zip passwords are sealed with: derived from the secrets key of TOTP secrets, for this purpose only. */
export function digestSealKey(secrets: Pick<Secrets, 'totpKey'>): Buffer {
  return purposeKey(secrets.totpKey, 'digest-zip-password');
}

export function sealZipPassword(key: Buffer, subscriptionId: string, password: string): string {
  return sealText(key, subscriptionId, password);
}

export function openZipPassword(key: Buffer, sub: Pick<DigestSubscription, 'id' | 'zipPasswordSealed'>): string | null {
  return openText(key, sub.id, sub.zipPasswordSealed);
}

/** `<baseUrl>/digests/files/<delivery id>?format=zip` (STIX when there is no zip password). */
export function filesLink(baseUrl: string, deliveryId: string, zipped: boolean): string {
  // Relative to the base URL, so a base with a path prefix keeps it.
  const url = new URL(`${DIGEST_FILES_MOUNT.slice(1)}/${encodeURIComponent(deliveryId)}`, baseUrl.endsWith('/') ? baseUrl : baseUrl + '/');
  url.searchParams.set('format', zipped ? 'zip' : 'stix');
  return url.toString();
}

export function recipientOf(
  sub: DigestSubscription,
  viewer: Viewer,
  key: Buffer,
  link: { readonly baseUrl: string; readonly deliveryId: string },
): DigestRecipient {
  const zipPassword = openZipPassword(key, sub);
  return {
    address: viewer.principal.email,
    language: viewer.principal.language,
    timeZone: viewer.principal.timeZone,
    attachments: sub.attachments,
    ...(zipPassword !== null ? { zipPassword } : {}),
    ...(sub.attachments === 'link' ? { attachmentLink: filesLink(link.baseUrl, link.deliveryId, zipPassword !== null) } : {}),
  };
}
