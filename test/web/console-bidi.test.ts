// Bidi and invisible controls in mail content cannot reorder or hide what an analyst reads: a file
// name with U+202E ("invoice‮fdp.exe" displays as "invoiceexe.pdf") and subjects, notes and bodies
// carrying isolates, zero-width characters and the Arabic letter mark reach every console page
// only as visible ⟨U+XXXX⟩ markers — in verdict reasons and indicator origins too.
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { html, toHtmlString, visibleText } from '../../web/console/html.ts';
import { startConsoleEnv, type ConsoleEnv } from './helpers/console-env.ts';
import { loginAndEnrol, type ConsoleClient } from './helpers/http-client.ts';
import { ingestAndAnalyse } from './helpers/submissions.ts';

const CONTROLS = [
  '\u202E',
  '\u202A',
  '\u202D',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u061C',
  '\u2028',
  '\uFEFF',
  '\u00AD',
  '\u{E0041}',
];
const RAW = /[\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\u{e0000}-\u{e007f}]/u;
const CONSOLE_DIR = path.join(import.meta.dirname, '../../web/console');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('console: bidi and invisible controls are shown, never applied', function () {
  this.timeout(60_000);

  it('shows every bidi, zero-width and tag character of a value as a marker, in nested values too', () => {
    for (const c of CONTROLS) {
      const page = toHtmlString(html`<td>${`invoice${c}fdp.exe`}</td><ul>${[[`a${c}`], html`<li>${c}</li>`]}</ul><input value="${c}">`);
      expect(RAW.test(page), `U+${c.codePointAt(0)!.toString(16)} raw in ${page}`).to.equal(false);
      expect(page).to.include(`⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
    }
    expect(visibleText(visibleText('a\u202Eb'))).to.equal('a⟨U+202E⟩b');
    expect(toHtmlString(html`${'請求書\tinvoice\n'}`)).to.equal('請求書\tinvoice\n');
  });

  it('every console template is built with the console html helper, none with the bare core template', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(CONSOLE_DIR)) {
      if (file === path.join(CONSOLE_DIR, 'html.ts')) continue;
      const src = await readFile(file, 'utf8');
      if (/core\/html(\.ts)?['"]|digests\/content\/html/.test(src)) offenders.push(path.relative(CONSOLE_DIR, file));
      if (/\bhtml`/.test(src) && !/import \{[^}]*\bhtml\b[^}]*\} from '(\.\.\/)*(\.\/)?html\.ts'/.test(src)) offenders.push(path.relative(CONSOLE_DIR, file));
    }
    expect(offenders).to.deep.equal([]);
  });

  describe('pages of a submission whose attachment name, subject, note and body carry controls', () => {
    let env: ConsoleEnv;
    let client: ConsoleClient;
    let subId: string;
    before(async () => {
      env = await startConsoleEnv({ api: true });
      client = (await loginAndEnrol(env.origin, 'analyst1', env.analyst.password, env.now)).client;
      const sub = await ingestAndAnalyse(env, {
        subject: 'Invoice \u2067\u202Egpj.exe\u2069 \u200Bpaid\u061C',
        note: 'C4TAP-Class: AMBER\nSee \u202Eattached\u202C file\u2066.',
        text: 'Pay at https://invoice-portal.top/pay\u200B?id=4411 now\u2068.\n',
        attachments: [
          {
            filename: 'invoice\u202Efdp.exe',
            contentType: 'application/octet-stream',
            content: Buffer.from('MZ\u0090\u0000 This program cannot be run in DOS mode AutoOpen'),
          },
          { filename: 'scan\u2066\u200D.pdf\u2069.js', contentType: 'application/javascript', content: Buffer.from('WScript.Shell; eval("x")') },
        ],
      });
      subId = sub.id;
    });
    after(() => env?.close());

    for (const [name, url] of [
      ['submission page (verdict reasons, indicator origins, attachments)', () => `/console/submissions/${subId}`],
      ['queue', () => '/console/queue?status=all'],
      ['dashboard', () => '/console/dashboard'],
    ] as const) {
      it(`the ${name} holds no raw control character`, async () => {
        const r = await client.get(url());
        expect(r.status).to.equal(200);
        const m = RAW.exec(r.text);
        expect(m, m ? `U+${m[0].codePointAt(0)!.toString(16)} at …${r.text.slice(Math.max(0, m.index - 120), m.index + 40)}…` : '').to.equal(null);
      });
    }

    it('shows the reversed file name with its marker where the attachment is listed', async () => {
      const r = await client.get(`/console/submissions/${subId}`);
      expect(r.text).to.include('invoice⟨U+202E⟩fdp.exe');
    });
  });
});
