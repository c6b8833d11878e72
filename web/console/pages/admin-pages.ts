// Secretariat pages: organisations, principals and their credentials, the audit log with its
// verification, the outbox. Everything typed by people is shown as text.
import type { AuditVerification } from '../../../core/audit.ts';
import { ROLES, TIERS, type ApiToken, type AuditEvent, type Organisation, type Principal } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, visibleText, type SafeHtml } from '../html.ts';
import type { OutboxMessage } from '../admin/outbox-message.ts';
import { csrfField, renderPage } from './layout.ts';
import type { MessageKey } from '../i18n/index.ts';
import { auditAction, dataText, roleName, rolesText, tierName, when } from './parts.ts';

type Notice = { readonly kind: 'ok' | 'warn' | 'error'; readonly text: string } | null;
const A = `${CONSOLE_PATH}/admin`;

function post(rc: RequestContext, action: string, label: string, hidden: Readonly<Record<string, string>> = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">${csrfField(rc)}${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit">${label}</button></form>`;
}

export function organisationsPage(rc: RequestContext, orgs: readonly Organisation[], notice: Notice): string {
  const t = rc.t;
  return renderPage(rc, {
    title: t('admin.orgsTitle'),
    notice,
    body: html`<h1>${t('admin.orgsTitle')}</h1>
      <table><thead><tr><th>${t('admin.name')}</th><th>${t('admin.tier')}</th><th>${t('queue.sector')}</th><th>${t('admin.domains')}</th><th>${t('admin.networks')}</th><th>${t('admin.contacts')}</th><th>${t('admin.rules')}</th><th></th></tr></thead>
      <tbody>${orgs.map(
        (
          o,
        ) => html`<tr data-org="${o.id}"><td>${o.name}</td><td>${tierName(rc, o.tier)}</td><td>${dataText(o.sector)}</td><td>${o.domains.join(', ')}</td><td>${o.networks.join(', ')}</td>
          <td class="small">${o.contacts.map((c) => html`${c.name}: ${c.means.map((m) => `${m.kind} ${m.value}`).join(', ')}<br>`)}</td>
          <td>${o.rulesAcceptedAt ? when(rc, o.rulesAcceptedAt) : html`<span class="warning">${t('admin.rulesNotAccepted')}</span>`}</td>
          <td><a href="${A}/organisations/${encodeURIComponent(o.id)}">${t('admin.edit')}</a></td></tr>`,
      )}</tbody></table>
      <form method="post" action="${A}/organisations" class="settings">${csrfField(rc)}
        <fieldset><legend>${t('admin.newOrg')}</legend>
        <label>${t('admin.name')} <input name="name" required maxlength="200"></label>
        <label>${t('admin.tier')} <select name="tier">${TIERS.map((x) => html`<option value="${x}">${tierName(rc, x)}</option>`)}</select></label>
        <label>${t('queue.sector')} <input name="sector" required maxlength="100"></label>
        <label>${t('admin.domains')} <input name="domains" placeholder="example.co.jp, example.jp"></label>
        <label>${t('admin.networks')} <input name="networks" placeholder="192.0.2.0/24"></label>
        <label>${t('admin.contactName')} <input name="contactName" required></label>
        <label>${t('admin.contactEmail')} <input name="contactEmail" type="email" required></label>
        <label>${t('admin.contactPhone')} <input name="contactPhone" required></label>
        <label><input type="checkbox" name="rulesAccepted" value="yes"> ${t('admin.rules')}</label>
        <button type="submit">${t('admin.create')}</button></fieldset>
      </form>`,
  });
}

export function principalsPage(
  rc: RequestContext,
  principals: readonly Principal[],
  orgs: ReadonlyMap<string, Organisation>,
  tokens: readonly ApiToken[],
  notice: Notice,
): string {
  const t = rc.t;
  const tokenCount = (id: string) => tokens.filter((k) => k.principalId === id && !k.revokedAt).length;
  return renderPage(rc, {
    title: t('admin.principalsTitle'),
    notice,
    body: html`<h1>${t('admin.principalsTitle')}</h1>
      <table><thead><tr><th>${t('login.name')}</th><th>${t('queue.org')}</th><th>${t('admin.roles')}</th><th>${t('queue.status')}</th><th>${t('admin.secondFactor')}</th><th>${t('admin.tokens')}</th><th></th></tr></thead>
      <tbody>${principals.map(
        (
          p,
        ) => html`<tr data-principal="${p.name}"><td><a href="${A}/principals/${encodeURIComponent(p.id)}">${p.name}</a><br><span class="muted">${p.displayName} &lt;${p.email}&gt;</span></td>
          <td>${orgs.get(p.orgId)?.name ?? p.orgId}</td><td>${rolesText(rc, p.roles)}</td>
          <td>${rc.t(`principalStatus.${p.status}` as MessageKey)}${p.mustChangePassword ? html`<br><span class="muted">${t('admin.mustChange')}</span>` : null}</td>
          <td>${p.totpSecret ? t('admin.enrolled') : '—'}</td><td>${tokenCount(p.id)}</td>
          <td class="row-actions">${post(rc, `${A}/principals/${encodeURIComponent(p.id)}/status`, p.status === 'active' ? t('admin.disable') : t('admin.enable'), { status: p.status === 'active' ? 'disabled' : 'active' })}</td></tr>`,
      )}</tbody></table>
      <form method="post" action="${A}/principals" class="settings">${csrfField(rc)}
        <fieldset><legend>${t('admin.newPrincipal')}</legend>
        <label>${t('queue.org')} <select name="orgId">${[...orgs.values()].map((o) => html`<option value="${o.id}">${o.name}</option>`)}</select></label>
        <label>${t('login.name')} <input name="name" required maxlength="64"></label>
        <label>${t('admin.email')} <input name="email" type="email" required></label>
        ${ROLES.map((r) => html`<label><input type="checkbox" name="roles" value="${r}"> ${roleName(rc, r)}</label>`)}
        <label>${t('settings.language')} <select name="language"><option value="ja">日本語</option><option value="en">English</option></select></label>
        <button type="submit">${t('admin.create')}</button></fieldset>
      </form>`,
  });
}

export function principalPage(rc: RequestContext, p: Principal, org: Organisation | null, tokens: readonly ApiToken[], notice: Notice): string {
  const t = rc.t;
  const base = `${A}/principals/${encodeURIComponent(p.id)}`;
  const isConsole = p.roles.includes('secretariat') || p.roles.includes('analyst');
  return renderPage(rc, {
    title: p.name,
    notice,
    body: html`<h1>${p.name}</h1>
      <p>${p.displayName} &lt;${p.email}&gt; — ${org?.name ?? p.orgId} — ${rolesText(rc, p.roles)} — ${rc.t(`principalStatus.${p.status}` as MessageKey)}</p>
      <p>${post(rc, `${base}/status`, p.status === 'active' ? t('admin.disable') : t('admin.enable'), { status: p.status === 'active' ? 'disabled' : 'active' })}
        ${isConsole ? html`${post(rc, `${base}/reset-second-factor`, t('admin.resetSecondFactor'))} ${post(rc, `${base}/reset-password`, t('admin.resetPassword'))}` : null}
        ${p.roles.includes('submitter') ? post(rc, `${base}/smtp-secret`, t('admin.newSmtpSecret')) : null}</p>
      <h2>${t('admin.tokens')}</h2>
      <table><thead><tr><th>jti</th><th>${t('admin.label')}</th><th>${t('admin.created')}</th><th>${t('admin.expires')}</th><th>${t('admin.revoked')}</th><th></th></tr></thead>
      <tbody>${tokens.map(
        (
          k,
        ) => html`<tr><td><code>${k.jti}</code></td><td>${k.label}</td><td>${when(rc, k.createdAt)}</td><td>${when(rc, k.expiresAt)}</td><td>${k.revokedAt ? when(rc, k.revokedAt) : '—'}</td>
          <td>${k.revokedAt ? null : post(rc, `${A}/tokens/${encodeURIComponent(k.jti)}/revoke`, t('admin.revoke'))}</td></tr>`,
      )}</tbody></table>
      <form method="post" action="${base}/tokens">${csrfField(rc)}
        <label>${t('admin.label')} <input name="label" maxlength="100" required></label>
        <label>${t('admin.days')} <input name="days" type="number" min="1" value="90" required></label>
        <button type="submit">${t('admin.issueToken')}</button>
      </form>`,
  });
}

/** A secret shown once (new password, SMTP secret, API token). */
export function secretOncePage(rc: RequestContext, what: string, lines: readonly (readonly [string, string])[], back: string): string {
  return renderPage(rc, {
    title: what,
    body: html`<h1>${what}</h1><p class="warning">${rc.t('admin.shownOnce')}</p>
      <dl class="facts">${lines.map(([k, v]) => html`<dt>${k}</dt><dd><code data-testid="secret">${v}</code></dd>`)}</dl>
      <p><a href="${back}">${rc.t('error.back')}</a></p>`,
  });
}

export function auditPage(
  rc: RequestContext,
  verification: AuditVerification,
  events: readonly AuditEvent[],
  names: ReadonlyMap<string, string>,
  older: number | null,
): string {
  const t = rc.t;
  return renderPage(rc, {
    title: t('admin.auditTitle'),
    body: html`<h1>${t('admin.auditTitle')}</h1>
      <p class="notice ${verification.ok ? 'ok' : 'error'}" data-testid="audit-verify">${verification.ok ? t('admin.auditOk', { n: verification.events }) : t('admin.auditBroken', { n: verification.problems.length })}</p>
      ${verification.ok ? null : html`<ul>${verification.problems.map((p) => html`<li><code>${JSON.stringify(p)}</code></li>`)}</ul>`}
      <table><thead><tr><th>#</th><th>${t('admin.at')}</th><th>${t('admin.actor')}</th><th>${t('admin.action')}</th><th>${t('admin.target')}</th><th>${t('admin.data')}</th></tr></thead>
      <tbody>${events.map(
        (
          e,
        ) => html`<tr><td>${e.seq}</td><td>${when(rc, e.at)}</td><td>${names.get(e.actor) ?? e.actor}</td><td>${auditAction(rc, e.action)}</td><td><code>${e.target ?? ''}</code></td>
          <td class="small"><code>${visibleText(truncate(JSON.stringify(e.data), 400))}</code></td></tr>`,
      )}</tbody></table>
      ${older !== null ? html`<p class="paging"><a href="${A}/audit?before=${older}">${t('queue.nextPage')}</a></p>` : null}`,
  });
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export function outboxPage(
  rc: RequestContext,
  files: readonly { readonly name: string; readonly size: number; readonly mtime: string }[],
  configured: boolean,
): string {
  const t = rc.t;
  return renderPage(rc, {
    title: t('admin.outboxTitle'),
    body: html`<h1>${t('admin.outboxTitle')}</h1>
      ${!configured ? html`<p class="muted">${t('admin.outboxNone')}</p>` : files.length === 0 ? html`<p class="muted">${t('admin.outboxEmpty')}</p>` : null}
      <table><tbody>${files.map((f) => html`<tr><td><a href="${A}/outbox/${encodeURIComponent(f.name)}">${f.name}</a></td><td>${t('sub.bytes', { n: f.size })}</td><td>${when(rc, f.mtime)}</td></tr>`)}</tbody></table>`,
  });
}

export function outboxMessagePage(rc: RequestContext, name: string, text: string, message: OutboxMessage | null): string {
  return renderPage(rc, {
    title: name,
    body: html`<h1>${name}</h1>
      ${
        message
          ? html`<table class="headers" data-testid="outbox-headers">${message.headers.map(([k, v]) => html`<tr><th>${k}</th><td>${visibleText(v)}</td></tr>`)}</table>
          <pre class="mail" data-testid="outbox-text">${visibleText(message.text)}</pre>
          ${message.attachments.length ? html`<p>${message.attachments.map((a) => html`<span class="tag">${a}</span> `)}</p>` : null}
          <details><summary>${rc.t('admin.outboxSource')}</summary><pre class="mail source">${visibleText(text)}</pre></details>`
          : html`<pre class="mail">${visibleText(text)}</pre>`
      }
      <p><a href="${A}/outbox">${rc.t('error.back')}</a></p>`,
  });
}
