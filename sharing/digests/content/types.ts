// The input and output records of one digest message's content. Delivery (schedules, cursors,
// sending) builds a DigestInput per recipient and run; everything here is pure over it.
import type { Language, SharingClass, PublicationAction } from '../../../core/types.ts';
import type { IndicatorView } from '../../indicator-view.ts';
import type { ExchangeInfo, ViewExportContext } from '../../stix/index.ts';

/** How the machine-readable files (CSV, STIX) reach the recipient. */
export type AttachmentMode = 'zip' | 'link' | 'none';

export interface DigestRecipient {
  readonly address: string;
  readonly language: Language;
  /** IANA time zone for the times shown; Asia/Tokyo when absent or unknown. */
  readonly timeZone?: string;
  readonly attachments: AttachmentMode;
  /** Password of the AES-256 zip; required in 'zip' mode. */
  readonly zipPassword?: string;
  /** Absolute authenticated URL for 'link' mode. */
  readonly attachmentLink?: string;
  /** When the link stops working (ISO time), shown next to the link when known. */
  readonly attachmentLinkExpiresAt?: string;
}

export interface DigestEntry {
  readonly seq: number;
  readonly action: PublicationAction;
  readonly publishedAt: string;
  /** The indicator as this recipient may know it (computed per viewer). */
  readonly view: IndicatorView;
  /** Campaign names of the sources this recipient may see; empty: unattributed. */
  readonly campaigns: readonly string[];
}

export interface DigestInput {
  readonly recipient: DigestRecipient;
  readonly scheduleName: string;
  /** The classes this digest may carry, e.g. ['YELLOW','GREEN','WHITE']. */
  readonly classes: readonly SharingClass[];
  /** The publication period covered (ISO times). */
  readonly period: { readonly from: string; readonly to: string };
  readonly entries: readonly DigestEntry[];
  readonly exchange: ExchangeInfo;
  /** Latest publication entries + visible sightings of the entries' indicators, for the STIX export. */
  readonly stixContext: ViewExportContext;
}

/** The machine-readable files of a digest, carrying LIVE (not defanged) values. */
export interface DigestFiles {
  readonly csv: Buffer;
  readonly stix: Buffer;
}

// Functions (index.ts): renderDigest(input): Promise<OutboundMail>; digestFiles(input): DigestFiles;
// digestZip(input, password): the same files in an AES-256 zip (attachment and link route alike).
