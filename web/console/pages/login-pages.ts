// The login steps: password, second factor, TOTP enrolment (QR code and recovery codes), new password.
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html } from '../html.ts';
import { MIN_PASSWORD_LENGTH, type PasswordProblem } from '../auth/login.ts';
import { csrfField, renderPage } from './layout.ts';

type Notice = { readonly kind: 'ok' | 'warn' | 'error'; readonly text: string } | null;

export function loginPage(rc: RequestContext, notice: Notice, name = ''): string {
  const other = rc.lang === 'ja' ? 'en' : 'ja';
  return renderPage(rc, {
    title: rc.t('login.title'),
    bare: true,
    notice,
    body: html`<section class="login">
      <h1>${rc.t('login.title')}</h1>
      <form method="post" action="${CONSOLE_PATH}/login?lang=${rc.lang}">
        ${csrfField(rc)}
        <label>${rc.t('login.name')} <input name="name" autocomplete="username" required value="${name}"></label>
        <label>${rc.t('login.password')} <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">${rc.t('login.submit')}</button>
      </form>
      <p class="small"><a href="${CONSOLE_PATH}/login?lang=${other}">${rc.t('login.otherLanguage')}</a></p>
      <p class="small">${rc.t('login.restricted')}</p>
    </section>`,
  });
}

export function secondFactorPage(rc: RequestContext, notice: Notice): string {
  return renderPage(rc, {
    title: rc.t('factor.title'),
    bare: true,
    notice,
    body: html`<section class="login">
      <h1>${rc.t('factor.title')}</h1>
      <p>${rc.t('factor.explain')}</p>
      <form method="post" action="${CONSOLE_PATH}/login/second-factor">
        ${csrfField(rc)}
        <label>${rc.t('factor.code')} <input name="code" autocomplete="one-time-code" inputmode="text" required autofocus></label>
        <button type="submit">${rc.t('factor.submit')}</button>
      </form>
      <form method="post" action="${CONSOLE_PATH}/logout">${csrfField(rc)}<button type="submit" class="link">${rc.t('factor.cancel')}</button></form>
    </section>`,
  });
}

export function enrolPage(rc: RequestContext, notice: Notice, secret: string, qr: string): string {
  return renderPage(rc, {
    title: rc.t('enrol.title'),
    bare: true,
    notice,
    body: html`<section class="login">
      <h1>${rc.t('enrol.title')}</h1>
      <p>${rc.t('enrol.explain')}</p>
      <img class="qr" src="${qr}" alt="${rc.t('enrol.qrAlt')}" width="240" height="240">
      <p>${rc.t('enrol.manual')} <code class="secret" data-testid="totp-secret">${secret}</code></p>
      <form method="post" action="${CONSOLE_PATH}/login/enrol">
        ${csrfField(rc)}
        <label>${rc.t('enrol.code')} <input name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 ]{6,7}" required></label>
        <button type="submit">${rc.t('enrol.submit')}</button>
      </form>
    </section>`,
  });
}

export function recoveryCodesPage(rc: RequestContext, codes: readonly string[], next: string): string {
  return renderPage(rc, {
    title: rc.t('recovery.title'),
    bare: true,
    body: html`<section class="login">
      <h1>${rc.t('recovery.title')}</h1>
      <p class="warning">${rc.t('recovery.explain')}</p>
      <ol class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ol>
      <p><a class="button" href="${next}">${rc.t('recovery.continue')}</a></p>
    </section>`,
  });
}

const PROBLEM_KEYS = {
  'too-short': 'password.tooShort',
  mismatch: 'password.mismatch',
  'same-as-old': 'password.sameAsOld',
  'wrong-current': 'password.wrongCurrent',
} as const satisfies Record<PasswordProblem, string>;

export function changePasswordPage(rc: RequestContext, problem: PasswordProblem | null, forced: boolean): string {
  return renderPage(rc, {
    title: rc.t('password.title'),
    bare: forced,
    notice: problem
      ? { kind: 'error', text: rc.t(PROBLEM_KEYS[problem], { min: MIN_PASSWORD_LENGTH }) }
      : forced
        ? { kind: 'warn', text: rc.t('password.forced') }
        : null,
    body: html`<section class="login">
      <h1>${rc.t('password.title')}</h1>
      <form method="post" action="${CONSOLE_PATH}/login/change-password">
        ${csrfField(rc)}
        <label>${rc.t('password.current')} <input name="current" type="password" autocomplete="current-password" required></label>
        <label>${rc.t('password.new', { min: MIN_PASSWORD_LENGTH })} <input name="next" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></label>
        <label>${rc.t('password.confirm')} <input name="confirm" type="password" autocomplete="new-password" required></label>
        <button type="submit">${rc.t('password.submit')}</button>
      </form>
    </section>`,
  });
}

export function errorPage(rc: RequestContext, title: string, text: string): string {
  return renderPage(rc, {
    title,
    bare: !rc.who || rc.who.session.stage !== 'active',
    body: html`<section><h1>${title}</h1><p>${text}</p><p><a href="${CONSOLE_PATH}/">${rc.t('error.back')}</a></p></section>`,
  });
}
