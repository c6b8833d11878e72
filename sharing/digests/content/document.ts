// The digest in the recipient's words: every sentence and heading decided once, so the plain-text
// and HTML parts say exactly the same thing and differ only in markup.
import type { Language, SharingClass } from '../../../core/types.ts';
import { bannerLines, classTag } from './banner.ts';
import { formatDay, formatInstant } from './dates.ts';
import type { FilesNotice } from './files-notice.ts';
import { languageOrder, MESSAGES } from './messages.ts';
import { oneLine, type DigestModel } from './model.ts';
import { defangText } from './defang.ts';

export interface DocLine {
  readonly class: SharingClass;
  /** `取り下げ / withdrawn` (recipient's language first) on a withdrawn indicator, else null. */
  readonly marker: string | null;
  /** The defanged value. */
  readonly shown: string;
  readonly figures: string;
}

export interface DocGroup<T> {
  readonly heading: string;
  readonly items: readonly T[];
}

export interface DocSection {
  readonly heading: string;
  readonly withdrawn: boolean;
  /** Campaign groups, each holding type groups of lines. */
  readonly campaigns: readonly DocGroup<DocGroup<DocLine>>[];
}

export interface DigestDocument {
  readonly language: Language;
  readonly class: SharingClass;
  readonly tag: string;
  readonly banner: readonly string[];
  readonly title: string;
  readonly period: string;
  readonly summary: string;
  /** Says that values are defanged, or that there is nothing this time. */
  readonly note: string;
  readonly sections: readonly DocSection[];
  readonly files: { readonly text: string; readonly url: string | null; readonly expires: string | null };
  readonly footer: string;
}

export interface DocumentContext {
  readonly language: Language;
  readonly timeZone?: string | undefined;
  readonly scheduleName: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly files: FilesNotice;
}

export function digestDocument(model: DigestModel, ctx: DocumentContext): DigestDocument {
  const m = MESSAGES[ctx.language];
  const tz = ctx.timeZone;
  const marker = languageOrder(ctx.language)
    .map((l) => MESSAGES[l].withdrawn)
    .join(' / ');
  const files =
    ctx.files.kind === 'zip'
      ? { text: m.filesZip, url: null, expires: null }
      : ctx.files.kind === 'link'
        ? { text: m.filesLink, url: ctx.files.url, expires: ctx.files.expiresAt ? m.filesLinkExpires(formatInstant(ctx.files.expiresAt, tz)) : null }
        : { text: m.filesNone, url: null, expires: null };
  return {
    language: ctx.language,
    class: model.class,
    tag: classTag(model.class),
    banner: bannerLines(model.class, ctx.language),
    title: m.title(oneLine(ctx.scheduleName)),
    period: m.period(formatInstant(ctx.period.from, tz), formatInstant(ctx.period.to, tz)),
    summary: m.summary(model.published, model.withdrawn),
    note: model.sections.length > 0 ? m.defanged : m.empty,
    sections: model.sections.map((s) => ({
      heading: s.withdrawn ? m.sectionWithdrawn : m.sectionPublished,
      withdrawn: s.withdrawn,
      campaigns: s.campaigns.map((c) => ({
        heading: c.campaign === null ? m.unattributed : m.campaign(oneLine(defangText(c.campaign))),
        items: c.types.map((t) => ({
          heading: m.types[t.type],
          items: t.items.map((l) => ({
            class: l.class,
            marker: l.withdrawn ? marker : null,
            shown: l.shown,
            figures: m.figures(formatDay(l.firstSeen, tz), formatDay(l.lastSeen, tz), l.reports),
          })),
        })),
      })),
    })),
    files,
    footer: m.footer,
  };
}
