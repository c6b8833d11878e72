// How the machine-readable files reach this recipient, checked before anything is built: a zipped
// digest needs a password, a linked one an absolute http(s) link. The body says which it is.
import { C4Error } from '../../../core/errors.ts';
import type { DigestRecipient } from './types.ts';

export type FilesNotice =
  | { readonly kind: 'zip'; readonly password: string }
  | { readonly kind: 'link'; readonly url: string; readonly expiresAt: string | null }
  | { readonly kind: 'none' };

export function filesNotice(recipient: DigestRecipient): FilesNotice {
  switch (recipient.attachments) {
    case 'zip':
      if (!recipient.zipPassword) {
        throw new C4Error('DIGEST_ZIP_PASSWORD_MISSING', 'the recipient wants the digest files in an encrypted zip but has no zip password', {
          mode: 'zip',
        });
      }
      return { kind: 'zip', password: recipient.zipPassword };
    case 'link': {
      const url = recipient.attachmentLink ?? '';
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        throw new C4Error('VALIDATION_FAILED', 'the recipient wants a link to the digest files but no absolute http(s) link was given', { mode: 'link' });
      }
      return { kind: 'link', url, expiresAt: recipient.attachmentLinkExpiresAt ?? null };
    }
    case 'none':
      return { kind: 'none' };
  }
}
