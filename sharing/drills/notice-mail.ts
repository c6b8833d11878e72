// The drill notice: a short bilingual message (the organisation's language first) asking the point
// of contact to confirm receipt by replying (Reply-To carries the token) or by the link (a page
// with a confirm button, so a mail scanner that opens links does not acknowledge for them).
import type { OutboundMail } from '../../core/mailer.ts';
import type { Language } from '../../core/types.ts';

export interface NoticeMailInput {
  readonly exchangeName: string;
  readonly title: string;
  readonly orgName: string;
  readonly contactName: string;
  readonly address: string;
  readonly language: Language;
  readonly drillId: string;
  readonly ackUrl: string;
  readonly replyAddress: string;
}

const TEXT = {
  ja: {
    subject: '情報連絡訓練',
    dear: (name: string) => `${name} 様`,
    intro: (exchange: string) => `${exchange} の情報連絡訓練のご連絡です（実際のインシデントではありません）。`,
    drill: '訓練名',
    org: '組織',
    ask: 'このメールを受け取ったことを、次のどちらかの方法でお知らせください。',
    reply: '1. このメールに返信する（本文は空で構いません）',
    link: '2. 次のリンクを開き、「受信を確認しました」ボタンを押す',
    note: '確認までの時間は訓練の記録として事務局が集計します。',
  },
  en: {
    subject: 'Communication drill',
    dear: (name: string) => `Dear ${name},`,
    intro: (exchange: string) => `This is a communication drill of ${exchange} (not a real incident).`,
    drill: 'Drill',
    org: 'Organisation',
    ask: 'Please confirm that you received this message, in either way:',
    reply: '1. Reply to this message (the text may be empty), or',
    link: '2. Open this link and press "I received this notice":',
    note: 'The secretariat records how quickly each point of contact confirms.',
  },
} as const;

function section(lang: Language, n: NoticeMailInput): string {
  const t = TEXT[lang];
  return [
    t.dear(n.contactName),
    '',
    t.intro(n.exchangeName),
    `${t.drill}: ${n.title}`,
    `${t.org}: ${n.orgName}`,
    '',
    t.ask,
    `  ${t.reply}`,
    `  ${t.link}`,
    `     ${n.ackUrl}`,
    '',
    t.note,
  ].join('\n');
}

export function buildNoticeMail(n: NoticeMailInput): OutboundMail {
  const first = n.language;
  const second: Language = first === 'ja' ? 'en' : 'ja';
  return {
    to: n.address,
    subject: `[${n.exchangeName}] ${TEXT[first].subject} / ${TEXT[second].subject}: ${n.title}`,
    text: `${section(first, n)}\n\n${'-'.repeat(60)}\n\n${section(second, n)}\n`,
    headers: {
      'Reply-To': n.replyAddress,
      'X-C4TAP-Drill': n.drillId,
      // Asks Exchange/Outlook not to answer with out-of-office replies (they would not count anyway).
      'X-Auto-Response-Suppress': 'OOF, AutoReply',
    },
  };
}
