// Personal settings: language and time zone of the console (and the password, via the login step).
import express, { type Router } from 'express';
import { LANGUAGES, type Language } from '../../../core/types.ts';
import { CONSOLE_PATH, requestContext, signedIn } from '../context.ts';
import { html } from '../html.ts';
import { isTimeZone } from '../../../core/time-zones.ts';
import { csrfField, renderPage } from '../pages/layout.ts';
import type { ConsoleServices } from '../router.ts';
import { noticeFrom } from './queue-routes.ts';

const COMMON_ZONES = ['Asia/Tokyo', 'UTC', 'Asia/Seoul', 'Asia/Singapore', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles'];

export function settingsRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();

  function page(rc: ReturnType<typeof requestContext>, error: string | null, notice: string | null): string {
    const p = rc.who!.principal;
    return renderPage(rc, {
      title: rc.t('settings.title'),
      notice: error ? { kind: 'error', text: error } : notice ? { kind: 'ok', text: notice } : null,
      body: html`<h1>${rc.t('settings.title')}</h1>
        <form method="post" action="${CONSOLE_PATH}/settings" class="settings">${csrfField(rc)}
          <label>${rc.t('settings.language')} <select name="language">${LANGUAGES.map((l) => html`<option value="${l}"${l === p.language ? html` selected` : null}>${rc.t(l === 'ja' ? 'settings.japanese' : 'settings.english')}</option>`)}</select></label>
          <label>${rc.t('settings.timeZone')} <input name="timeZone" value="${p.timeZone}" list="zones" required></label>
          <datalist id="zones">${COMMON_ZONES.map((z) => html`<option value="${z}">`)}</datalist>
          <button type="submit">${rc.t('settings.save')}</button>
        </form>
        <p><a href="${CONSOLE_PATH}/login/change-password">${rc.t('settings.changePassword')}</a></p>`,
    });
  }

  router.get('/settings', (req, res) => {
    const rc = requestContext(res);
    res.type('html').send(page(rc, null, noticeFrom(req.query.notice, rc.t)));
  });

  router.post('/settings', async (req, res) => {
    const rc = requestContext(res);
    const who = signedIn(res);
    const body = req.body as Record<string, unknown>;
    const language = LANGUAGES.includes(body.language as Language) ? (body.language as Language) : null;
    const timeZone = typeof body.timeZone === 'string' ? body.timeZone.trim() : '';
    if (!language || !isTimeZone(timeZone))
      return void res
        .status(400)
        .type('html')
        .send(page(rc, rc.t('settings.invalid'), null));
    const before = { language: who.principal.language, timeZone: who.principal.timeZone };
    await deps.store.updatePrincipal(who.principal.id, { language, timeZone });
    await deps.audit({
      actor: who.principal.id,
      action: 'principal.settings-changed',
      target: who.principal.id,
      data: { before, after: { language, timeZone } },
    });
    res.redirect(303, `${CONSOLE_PATH}/settings?notice=notice.settingsSaved`);
  });

  return router;
}
