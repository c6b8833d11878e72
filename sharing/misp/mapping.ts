// How C⁴TAP classes and indicator types read in MISP.
//
// Distribution says how far the receiving MISP may pass an event or attribute on (a string, as MISP
// writes it in feeds and as PyMISP's schema requires):
//   RED, AMBER, YELLOW → 0 "Your organisation only" (none of them may leave the recipient's
//                        organisation into a wider MISP community)
//   GREEN              → 1 "This community only"
//   WHITE              → 3 "All communities"
// Tags: the TLP 2.0 tag where the class has an exact TLP level (tlp:clear for WHITE; YELLOW has
// none) and always `c4tap:class="<CLASS>"`.
import type { IndicatorType, InfoKind, SharingClass } from '../../core/types.ts';

export type MispDistribution = '0' | '1' | '3';

export const DISTRIBUTION: Readonly<Record<SharingClass, MispDistribution>> = { RED: '0', AMBER: '0', YELLOW: '0', GREEN: '1', WHITE: '3' };

export interface MispTag {
  readonly name: string;
  readonly colour: string;
}

const TLP_TAGS: Readonly<Partial<Record<SharingClass, MispTag>>> = {
  RED: { name: 'tlp:red', colour: '#CC0033' },
  AMBER: { name: 'tlp:amber', colour: '#FFC000' },
  GREEN: { name: 'tlp:green', colour: '#339900' },
  WHITE: { name: 'tlp:clear', colour: '#FFFFFF' },
};

const CLASS_COLOURS: Readonly<Record<SharingClass, string>> = { RED: '#CC0033', AMBER: '#FFC000', YELLOW: '#FFEE00', GREEN: '#339900', WHITE: '#FFFFFF' };

export function tagsFor(cls: SharingClass): readonly MispTag[] {
  const own = { name: `c4tap:class="${cls}"`, colour: CLASS_COLOURS[cls] };
  const tlp = TLP_TAGS[cls];
  return tlp ? [tlp, own] : [own];
}

export interface MispAttributeType {
  readonly type: string;
  readonly category: string;
  /** Worth an automatic block (to_ids); descriptive values are context only. */
  readonly toIds: boolean;
  readonly comment?: string;
}

/** The MISP attribute for an indicator type; IP addresses depend on where they were found. */
export function attributeTypeOf(type: IndicatorType, kind: InfoKind): MispAttributeType {
  switch (type) {
    case 'email-addr':
      return { type: 'email-src', category: 'Payload delivery', toIds: true };
    case 'domain-name':
      return { type: 'domain', category: 'Network activity', toIds: true };
    case 'ipv4-addr':
    case 'ipv6-addr':
      // Originating relays of the mail are sources; addresses in the content are destinations.
      return kind === 'mail' ? { type: 'ip-src', category: 'Payload delivery', toIds: true } : { type: 'ip-dst', category: 'Network activity', toIds: true };
    case 'url':
      return { type: 'url', category: 'Network activity', toIds: true };
    case 'email-subject':
      return { type: 'email-subject', category: 'Payload delivery', toIds: false };
    case 'email-message-id-domain':
      return { type: 'domain', category: 'Payload delivery', toIds: false, comment: 'Domain of the Message-ID' };
    case 'x-mailer':
      return { type: 'email-x-mailer', category: 'Payload delivery', toIds: false };
    case 'file-sha256':
      return { type: 'sha256', category: 'Payload delivery', toIds: true };
    case 'file-sha1':
      return { type: 'sha1', category: 'Payload delivery', toIds: true };
    case 'file-md5':
      return { type: 'md5', category: 'Payload delivery', toIds: true };
    case 'file-name':
      return { type: 'filename', category: 'Payload delivery', toIds: false };
    case 'yara-rule':
      return { type: 'text', category: 'Other', toIds: false, comment: 'Name of the YARA rule that matched' };
    case 'av-signature':
      return { type: 'text', category: 'Antivirus detection', toIds: false, comment: 'Anti-virus signature that matched' };
  }
}
