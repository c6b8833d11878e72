// The page frame: document head (our stylesheet and script only), navigation, notices, footer.
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, toHtmlString, type HtmlValue, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import { rolesText } from './parts.ts';

export interface PageOptions {
  readonly title: string;
  readonly body: HtmlValue;
  /** A notice shown above the content (translated text). */
  readonly notice?: { readonly kind: 'ok' | 'warn' | 'error'; readonly text: string } | null;
  /** Hide the navigation (login steps). */
  readonly bare?: boolean;
  /** Data for the static script, as data-* attributes on <body> (never inline script). */
  readonly data?: Readonly<Record<string, string>>;
}

export function csrfField(rc: RequestContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${rc.csrf}">`;
}

function nav(rc: RequestContext): SafeHtml {
  const who = rc.who;
  if (!who || who.session.stage !== 'active') return html``;
  const link = (href: string, key: MessageKey) => html`<a href="${CONSOLE_PATH}${href}">${rc.t(key)}</a>`;
  const isSecretariat = who.principal.roles.includes('secretariat');
  return html`<nav class="top">
    <span class="brand">C⁴TAP</span>
    ${link('/queue', 'nav.queue')} ${link('/campaigns', 'nav.campaigns')} ${link('/dashboard', 'nav.dashboard')}
    ${isSecretariat ? html`${link('/admin/organisations', 'nav.organisations')} ${link('/admin/principals', 'nav.principals')} ${link('/admin/audit', 'nav.audit')} ${link('/admin/outbox', 'nav.outbox')} ${link('/admin/drills', 'nav.drills')} ${link('/admin/diagnostics', 'nav.diagnostics')}` : null}
    <span class="spacer"></span>
    ${link('/settings', 'nav.settings')}
    <span class="who">${who.principal.displayName} (${rolesText(rc, who.principal.roles)})</span>
    <form method="post" action="${CONSOLE_PATH}/logout" class="inline">${csrfField(rc)}<button type="submit">${rc.t('nav.logout')}</button></form>
  </nav>`;
}

export function renderPage(rc: RequestContext, opts: PageOptions): string {
  const me = rc.who?.session.stage === 'active' ? { me: rc.who.principal.displayName } : {};
  const data = Object.entries({ done: rc.t('notice.done'), ...me, ...(opts.data ?? {}) }).map(([k, v]) => html` data-${k.replace(/[^a-z0-9-]/g, '')}="${v}"`);
  const page = html`<!DOCTYPE html>
<html lang="${rc.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${opts.title} — C⁴TAP</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/static/console.css">
<script src="${CONSOLE_PATH}/static/console.js" defer></script>
</head>
<body${data}>
${opts.bare ? null : nav(rc)}
<main>
${opts.notice ? html`<p class="notice ${opts.notice.kind}" role="status">${opts.notice.text}</p>` : null}
${opts.body}
</main>
<footer>${rc.t('footer.text')}</footer>
</body>
</html>`;
  return toHtmlString(page);
}
