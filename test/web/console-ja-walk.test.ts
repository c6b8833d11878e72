// Japanese first (issue 16): every console page reachable by links, walked in Japanese as a
// secretariat administrator and as an analyst with submissions present, shows no untranslated
// message key and none of the English catalogue's phrases. Mail content (headers, bodies, code,
// indicator values, ids) is data and is left out of the check; everything the console says is not.
import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { outboxDir } from '../../bin/context.ts';
import { ROLES, SUBMISSION_STATUSES, TIERS } from '../../core/types.ts';
import { EN } from '../../web/console/i18n/en.ts';
import { JA } from '../../web/console/i18n/ja.ts';
import { buildWord } from '../analysis/helpers/file-builders.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { addParticipants, analyse, buildPhishForward, ingest, ingestAndAnalyse } from './helpers/submissions.ts';

/** Elements whose content is mail or record data, not console text. */
const DATA_ELEMENTS =
  /<(code|pre|script|style|svg)\b[\s\S]*?<\/\1>|<select name="sector">[\s\S]*?<\/select>|<span class="data">[^<]*<\/span>|<table class="headers"[\s\S]*?<\/table>|<ol class="received">[\s\S]*?<\/ol>|<span class="(?:mailtext|id|type|decoded|tag[^"]*)">[^<]*<\/span>|<span class="tag[^"]*">[\s\S]*?<\/span>/g;

/** The diagnostics page shows the doctor's details and fixes as the CLI prints them (issue 18). */
const CLI_OUTPUT = /<td class="small">[^<]*<\/td>(?=<td class="small">|<\/tr>)/g;

function visibleText(page: string, url = ''): string {
  const attrs = [...page.matchAll(/\s(?:placeholder|title|aria-label)="([^"]*)"/g)].map((m) => m[1]);
  const body = page
    .replace(/^[\s\S]*?<body[^>]*>/, '')
    .replace(url.endsWith('/admin/diagnostics') ? CLI_OUTPUT : /$^/, ' ')
    .replace(DATA_ELEMENTS, ' ')
    .replace(/<[^>]+>/g, ' ');
  return [body, ...attrs]
    .join('\n')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"');
}

/** Phrases of the English catalogue that the Japanese one says differently (2+ words or a word of 5+ letters). */
const ENGLISH_PHRASES = [
  ...new Set(
    (Object.keys(EN) as (keyof typeof EN)[])
      .filter((k) => JA[k] !== EN[k])
      .flatMap((k) => EN[k].split(/\{\w+\}/))
      .map((p) => p.trim().replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, ''))
      .filter((p) => /^[A-Za-z][A-Za-z’' -]*[a-z]$/.test(p) && (p.includes(' ') ? p.length >= 7 : p.length >= 5 && /^[A-Z]/.test(p)))
      .filter((p) => !Object.values(JA).some((ja) => ja.includes(p))),
  ),
];
/** Record values the console must name in Japanese: roles, tiers, statuses, verdicts, job states, audit actions. */
const ENUM_WORDS = new RegExp(
  `(?<![\\w.-])(${[...ROLES, ...TIERS, ...SUBMISSION_STATUSES, 'malicious', 'suspicious', 'benign', 'pending', 'running', 'done', 'dead', 'publish', 'retract', 'targeted', 'undetermined', 'submission\\.[a-z.-]+', 'principal\\.[a-z.-]+', 'organisation\\.[a-z.-]+', 'console\\.[a-z.-]+'].join('|')})(?![\\w-])`,
  'g',
);
const KEY_PATTERN = /\b[a-z][a-zA-Z]*\.[a-zA-Z][\w-]*\b/g;

interface Finding {
  readonly page: string;
  readonly what: string;
}

async function walk(client: ConsoleClient, start: readonly string[], max: number): Promise<{ pages: string[]; findings: Finding[] }> {
  const seen = new Set<string>();
  const queue = [...start];
  const findings: Finding[] = [];
  while (queue.length && seen.size < max) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const r = await client.get(url);
    expect(r.status, url).to.be.oneOf([200, 303]);
    if (r.status !== 200 || !(r.headers.get('content-type') ?? '').includes('html')) continue;
    expect(r.text, url).to.include('<html lang="ja">');
    const text = visibleText(r.text, url);
    for (const m of text.matchAll(KEY_PATTERN)) if (Object.hasOwn(EN, m[0])) findings.push({ page: url, what: `message key ${m[0]}` });
    for (const phrase of ENGLISH_PHRASES) {
      const at = new RegExp(`\\b${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).exec(text);
      if (at)
        findings.push({
          page: url,
          what: `English "${phrase}" in "${text.slice(Math.max(0, at.index - 40), at.index + phrase.length + 40).replace(/\s+/g, ' ')}"`,
        });
    }
    for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g)) findings.push({ page: url, what: `raw UTC timestamp ${m[0]}` });
    for (const m of text.matchAll(ENUM_WORDS))
      findings.push({
        page: url,
        what: `untranslated "${m[0]}" in "${text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40).replace(/\s+/g, ' ')}"`,
      });
    for (const m of r.text.matchAll(/href="(\/console\/[^"#]*)"/g)) {
      const link = m[1]!.replace(/&amp;/g, '&').replace(/&#61;/g, '=');
      if (/\/(logout|static)\b|\.csv|\.json|\/download|[?&](lang|cursor)=/.test(link)) continue;
      // One example of each paged or filtered queue view is enough.
      if (link.startsWith('/console/queue?') && [...seen, ...queue].filter((u) => u.startsWith('/console/queue?')).length > 12) continue;
      if (!seen.has(link)) queue.push(link);
    }
  }
  return { pages: [...seen], findings };
}

describe('console in Japanese: every page, no English', function () {
  this.timeout(240_000);
  let env: ConsoleEnv;
  let admin: ConsoleClient;
  let analyst: ConsoleClient;

  before(async () => {
    env = await startConsoleEnv();
    const sec = await env.addAccount('jimukyoku', ['secretariat', 'analyst'], undefined, { language: 'ja' });
    const ana = await env.addAccount('bunseki', ['analyst'], undefined, { language: 'ja' });
    admin = (await loginAndEnrol(env.origin, 'jimukyoku', sec.password, env.now)).client;
    analyst = (await loginAndEnrol(env.origin, 'bunseki', ana.password, env.now)).client;
    const docm = await ingestAndAnalyse(env, {
      subject: 'Taro Yamada: plan',
      attachments: [{ filename: 'plan.docm', contentType: 'application/vnd.ms-word.document.macroEnabled.12', content: await buildWord({ macro: true }) }],
    });
    const ace = Buffer.alloc(64);
    ace.write('**ACE**', 7, 'latin1');
    await ingestAndAnalyse(env, { subject: 'archive', attachments: [{ filename: 'x.ace', contentType: 'application/octet-stream', content: ace }] });
    await ingest(env, await buildPhishForward({ subject: 'not analysed yet' }));
    const others = await addParticipants(env, ['power', 'finance']);
    for (const o of others) await analyse(env, await ingest(env, await buildPhishForward({ subject: 'parcel', messageId: '<p@parcel.top>' }), o.submitter));
    await admin.get(`/console/submissions/${docm.id}`);
    await admin.post(`/console/submissions/${docm.id}/reject`, { reason: 'テスト' });
    const dir = outboxDir(env.config.dataDir);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '20250106-receipt.eml'), 'Subject: =?UTF-8?B?5Y+X5LuY?=\r\n\r\nok\r\n');
  });
  after(() => env?.close());

  it('finds the English catalogue phrases it looks for (the check can fail)', () => {
    expect(ENGLISH_PHRASES).to.include.members(['Suggested verdict', 'Awaiting triage']);
    expect(visibleText('<body><p>Awaiting triage</p><code>Awaiting triage</code></body>')).to.include('Awaiting triage');
  });

  for (const who of ['admin', 'analyst'] as const) {
    it(`shows no message key and no English phrase on any page, as ${who}`, async () => {
      const client = who === 'admin' ? admin : analyst;
      const start = ['/console/queue', '/console/queue?status=all', '/console/campaigns', '/console/dashboard', '/console/settings'];
      const { pages, findings } = await walk(client, start, 80);
      expect(pages.length).to.be.greaterThan(who === 'admin' ? 15 : 8);
      expect(
        pages.filter((p) => p.startsWith('/console/campaigns/')),
        'a campaign page walked',
      ).to.not.deep.equal([]);
      expect([
        ...new Set(findings.map((f) => `${f.page.replace(/sub_[\\w-]+|org_[\\w-]+|prn_[\\w-]+/, ':id')}: ${f.what.replace(/sub_[\\w-]+/g, ':id')}`)),
      ]).to.deep.equal([]);
    });
  }
});
