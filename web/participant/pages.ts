// The participant page's HTML: sign-in steps, the organisation's reports, one report with its
// narrowing and consent forms, API tokens and points of contact. Everything typed by people is text.
import { PARTICIPANT_PATH } from '../../core/participant-links.ts';
import { CLASSES, KINDS, type ApiToken, type Language, type Organisation, type Submission } from '../../core/types.ts';
import { html, toHtmlString, type HtmlValue, type SafeHtml } from '../../core/html.ts';
import { contactSpec } from '../../core/directory.ts';
import { formatDateTime } from '../console/i18n/index.ts';
import { isWider } from '../../core/class-order.ts';
import type { ReportView } from './report.ts';
import { kindKey, statusKey, type Text } from './text.ts';

export const P = PARTICIPANT_PATH;

export interface PageContext {
  readonly lang: Language;
  readonly timeZone: string;
  readonly t: Text;
  readonly csrf: string;
  /** Signed in (active session): the principal's name for the header; null on the sign-in steps. */
  readonly signedInAs: string | null;
}

export type Notice = { readonly kind: 'ok' | 'error'; readonly text: string } | null;

const csrfField = (pc: PageContext): SafeHtml => html`<input type="hidden" name="_csrf" value="${pc.csrf}">`;
const when = (pc: PageContext, iso: string | null | undefined): string => formatDateTime(iso, pc.lang, pc.timeZone);

function page(pc: PageContext, title: string, body: HtmlValue, notice: Notice = null): string {
  const t = pc.t;
  const nav = pc.signedInAs
    ? html`<nav class="top"><span class="brand">C⁴TAP ${t('title')}</span>
        <a href="${P}/">${t('nav.reports')}</a> <a href="${P}/tokens">${t('nav.tokens')}</a> <a href="${P}/contacts">${t('nav.contacts')}</a>
        <span class="spacer"></span><span class="who">${pc.signedInAs}</span>
        <form method="post" action="${P}/logout" class="inline">${csrfField(pc)}<button type="submit">${t('logout')}</button></form></nav>`
    : null;
  return toHtmlString(html`<!DOCTYPE html>
<html lang="${pc.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} — C⁴TAP</title>
<link rel="stylesheet" href="${P}/static/console.css">
</head>
<body>
${nav}
<main>
${notice ? html`<p class="notice ${notice.kind}" role="status">${notice.text}</p>` : null}
${body}
</main>
</body>
</html>`);
}

export function loginPage(pc: PageContext, notice: Notice, name = '', next = `${P}/`): string {
  const t = pc.t;
  return page(
    pc,
    t('login.title'),
    html`<h1>${t('login.title')}</h1>
    <form method="post" action="${P}/login" class="login">${csrfField(pc)}<input type="hidden" name="next" value="${next}">
      <p><label>${t('login.name')}<br><input name="name" value="${name}" autocomplete="username" required></label></p>
      <p><label>${t('login.password')}<br><input name="password" type="password" autocomplete="current-password" required></label></p>
      <button type="submit">${t('login.submit')}</button></form>`,
    notice,
  );
}

export function secondFactorPage(pc: PageContext, notice: Notice): string {
  const t = pc.t;
  return page(
    pc,
    t('factor.title'),
    html`<h1>${t('factor.title')}</h1><p>${t('factor.help')}</p>
    <form method="post" action="${P}/login/second-factor" class="login">${csrfField(pc)}
      <p><label>${t('factor.code')}<br><input name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus></label></p>
      <button type="submit">${t('login.submit')}</button></form>`,
    notice,
  );
}

export function enrolPage(pc: PageContext, notice: Notice, secret: string, qr: string): string {
  const t = pc.t;
  return page(
    pc,
    t('enrol.title'),
    html`<h1>${t('enrol.title')}</h1><p>${t('enrol.help')}</p>
    <p><img src="${qr}" alt="QR" width="200" height="200"></p><p><code data-testid="totp-secret">${secret}</code></p>
    <form method="post" action="${P}/login/enrol" class="login">${csrfField(pc)}
      <p><label>${t('factor.code')}<br><input name="code" autocomplete="one-time-code" inputmode="numeric" required></label></p>
      <button type="submit">${t('login.submit')}</button></form>`,
    notice,
  );
}

export function recoveryCodesPage(pc: PageContext, codes: readonly string[], next = `${P}/`): string {
  const t = pc.t;
  return page(
    pc,
    t('codes.title'),
    html`<h1>${t('codes.title')}</h1><p class="warning">${t('codes.help')}</p>
    <ul class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul><p><a href="${next}">${t('codes.continue')}</a></p>`,
  );
}

export function errorPage(pc: PageContext, text: string): string {
  return page(pc, pc.t('error.title'), html`<h1>${pc.t('error.title')}</h1><p>${text}</p><p><a href="${P}/">${pc.t('back')}</a></p>`);
}

const badge = (cls: string): SafeHtml => html`<span class="class class-${cls.toLowerCase()}">${cls}</span>`;

export function reportsPage(pc: PageContext, org: Organisation, subs: readonly Submission[]): string {
  const t = pc.t;
  return page(
    pc,
    t('reports.title'),
    html`<h1>${t('reports.title')} — ${org.name}</h1>
    ${
      subs.length === 0
        ? html`<p class="muted">${t('reports.none')}</p>`
        : html`<table><thead><tr><th>${t('reports.received')}</th><th>${t('reports.subject')}</th><th>${t('reports.status')}</th><th>${t('reports.classes')}</th></tr></thead>
    <tbody>${subs.map(
      (
        s,
      ) => html`<tr data-report="${s.id}"><td><a href="${P}/reports/${encodeURIComponent(s.id)}">${when(pc, s.receivedAt)}</a></td><td>${s.subject ?? ''}</td><td>${t(statusKey(s.status))}</td>
      <td>${KINDS.map((k) => html`${badge(s.classes[k])} `)}</td></tr>`,
    )}</tbody></table>`
    }`,
  );
}

export function reportPage(pc: PageContext, view: ReportView, notice: Notice): string {
  const t = pc.t;
  const s = view.submission;
  const base = `${P}/reports/${encodeURIComponent(s.id)}`;
  return page(
    pc,
    t('report.title', { id: s.id }),
    html`<h1>${t('report.title', { id: s.id })}</h1>
    <dl class="facts"><dt>${t('reports.received')}</dt><dd>${when(pc, s.receivedAt)}</dd><dt>${t('reports.subject')}</dt><dd>${s.subject ?? ''}</dd>
      <dt>${t('reports.status')}</dt><dd data-testid="status">${t(statusKey(s.status))}</dd></dl>
    <h2>${t('report.narrow')}</h2><p>${t('report.narrowHelp')}</p>
    <table><thead><tr><th>${t('report.kind')}</th><th>${t('report.class')}</th><th>${t('report.narrowTo')}</th></tr></thead><tbody>
    ${KINDS.map((k) => {
      const narrower = CLASSES.filter((c) => isWider(s.classes[k], c));
      return html`<tr data-kind="${k}"><td>${t(kindKey(k))}</td><td data-testid="class-${k}">${badge(s.classes[k])}</td>
        <td>${
          narrower.length === 0
            ? '—'
            : html`<form method="post" action="${base}/narrow" class="inline">${csrfField(pc)}<input type="hidden" name="kind" value="${k}">
          <select name="class" aria-label="${t('report.narrowTo')}">${narrower.map((c) => html`<option value="${c}">${c}</option>`)}</select>
          <button type="submit" data-testid="narrow-${k}">${t('report.apply')}</button></form>`
        }</td></tr>`;
    })}</tbody></table>
    <h2>${t('report.published')}</h2>
    ${view.published.length === 0 ? html`<p class="muted" data-testid="published">${t('report.notPublished')}</p>` : html`<ul data-testid="published">${view.published.map((p) => html`<li>${t(kindKey(p.kind))} — ${p.public ? t('report.public', { class: p.class, indicators: p.indicators }) : t('report.readers', { class: p.class, indicators: p.indicators, principals: p.principals, orgs: p.orgs })}</li>`)}</ul>`}
    ${view.retracted > 0 ? html`<p class="muted">${t('report.retracted', { n: view.retracted })}</p>` : null}
    <h2>${t('report.sightings')}</h2>
    <p>${view.sightings.reports === 0 ? t('report.noSightings') : t('report.sightingsText', view.sightings)}</p>
    <h2>${t('report.proposals')}</h2>
    ${
      view.proposals.length === 0
        ? html`<p class="muted">${t('report.noProposals')}</p>`
        : html`<ul>${view.proposals.map(
            (p) => html`<li>${t('report.proposal', { kind: t(kindKey(p.kind)), from: s.classes[p.kind], to: p.class, note: p.note })}
      <form method="post" action="${base}/consent" class="inline">${csrfField(pc)}<input type="hidden" name="kind" value="${p.kind}"><button type="submit" data-testid="consent-${p.kind}">${t('report.consent')}</button></form></li>`,
          )}</ul>`
    }`,
    notice,
  );
}

export function tokensPage(pc: PageContext, tokens: readonly ApiToken[], now: string, notice: Notice, fresh: string | null = null): string {
  const t = pc.t;
  return page(
    pc,
    t('tokens.title'),
    html`<h1>${t('tokens.title')}</h1>
    ${fresh ? html`<p class="warning">${t('tokens.shownOnce')}</p><p><code data-testid="secret">${fresh}</code></p>` : null}
    <table><thead><tr><th>${t('tokens.label')}</th><th>${t('tokens.expires')}</th><th>${t('reports.status')}</th><th></th></tr></thead><tbody>
    ${tokens.map(
      (
        k,
      ) => html`<tr data-token="${k.jti}"><td>${k.label}</td><td>${when(pc, k.expiresAt)}</td><td>${k.revokedAt ? `${t('tokens.revoked')} ${when(pc, k.revokedAt)}` : k.expiresAt <= now ? '—' : t('tokens.active')}</td>
      <td>${k.revokedAt ? null : html`<form method="post" action="${P}/tokens/${encodeURIComponent(k.jti)}/revoke" class="inline">${csrfField(pc)}<button type="submit">${t('tokens.revoke')}</button></form>`}</td></tr>`,
    )}
    </tbody></table>
    <form method="post" action="${P}/tokens">${csrfField(pc)}
      <label>${t('tokens.label')} <input name="label" maxlength="100" required></label>
      <label>${t('tokens.days')} <input name="days" type="number" min="1" value="90" required></label>
      <button type="submit">${t('tokens.issue')}</button></form>`,
    notice,
  );
}

/** Each contact as a name and its means one per line; a blank row adds one; a ticked box removes one. */
export function contactsFields(t: Text, org: Organisation, csrf: SafeHtml | null = null): SafeHtml {
  const rows = [...org.contacts.map((c) => ({ name: c.name, means: contactSpec(c).split(';').slice(1).join('\n') })), { name: '', means: '' }];
  return html`${csrf}<p>${t('contacts.help')}</p>${rows.map(
    (r, i) => html`<fieldset data-contact="${i}"><legend>${r.name || t('contacts.add')}</legend>
    <label>${t('contacts.name')} <input name="contactName" value="${r.name}" maxlength="200"></label>
    <label>${t('contacts.means')}<br><textarea name="contactMeans" rows="3" cols="50">${r.means}</textarea></label>
    ${r.name ? html`<label><input type="checkbox" name="removeContact" value="${r.name}"> ${t('contacts.remove')}</label>` : null}</fieldset>`,
  )}`;
}

export function contactsPage(pc: PageContext, org: Organisation, notice: Notice): string {
  const t = pc.t;
  return page(
    pc,
    t('contacts.title'),
    html`<h1>${t('contacts.title')} — ${org.name}</h1>
    <form method="post" action="${P}/contacts" class="settings">${contactsFields(t, org, csrfField(pc))}<button type="submit">${t('contacts.save')}</button></form>`,
    notice,
  );
}
