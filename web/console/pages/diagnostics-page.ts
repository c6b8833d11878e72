// The secretariat's diagnostics page: the `c4tap doctor` checks (run by the server, wired in by
// serve), one row each with its status in the reader's language; details and fixes as printed.
import type { DiagnosticLine, RequestContext } from '../context.ts';
import { html } from '../html.ts';
import { isMessageKey } from '../i18n/index.ts';
import { renderPage } from './layout.ts';

const STATUS_CLASS = { ok: 'ok', warn: 'warning', fail: 'error' } as const;

export function diagnosticsPage(rc: RequestContext, lines: readonly DiagnosticLine[] | null): string {
  const t = rc.t;
  const name = (n: string) => {
    const key = `diag.name.${n}`;
    return isMessageKey(key) ? t(key) : n;
  };
  const failed = lines?.filter((l) => l.status === 'fail').length ?? 0;
  return renderPage(rc, {
    title: t('diag.title'),
    notice: lines === null ? { kind: 'warn', text: t('diag.unavailable') } : null,
    body: html`<h1>${t('diag.title')}</h1>
      <p>${t('diag.intro')}</p>
      ${
        lines === null
          ? null
          : html`<p class="notice ${failed ? 'error' : 'ok'}" data-testid="diag-summary">${failed ? t('diag.summaryFailed', { failed, n: lines.length }) : t('diag.summaryOk', { n: lines.length })}</p>
      <table><thead><tr><th>${t('diag.check')}</th><th>${t('diag.status')}</th><th>${t('diag.detail')}</th><th>${t('diag.fix')}</th></tr></thead>
      <tbody>${lines.map(
        (l) =>
          html`<tr data-check="${l.name}" data-status="${l.status}"><td>${name(l.name)}</td><td class="${STATUS_CLASS[l.status]}">${t(`diag.status.${l.status}`)}</td><td class="small">${l.detail}</td><td class="small">${l.fix ?? ''}</td></tr>`,
      )}</tbody></table>`
      }`,
  });
}
