// Secretariat administration, mounted at /admin behind an active session: organisations,
// principals and their credentials, API tokens, the audit log with `verify`, the outbox.
import express, { type Request, type Response, type Router } from 'express';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { verifyAudit } from '../../../core/audit.ts';
import { addOrganisation, addPrincipal, contactsFromRows, editOrganisation } from '../../../core/directory.ts';
import { C4Error, isC4Error } from '../../../core/errors.ts';
import type { Language, Role, Tier } from '../../../core/types.ts';
import * as admin from '../admin/credentials.ts';
import { CONSOLE_PATH, requestContext, signedIn } from '../context.ts';
import { readOutboxMessage } from '../admin/outbox-message.ts';
import { diagnosticsPage } from '../pages/diagnostics-page.ts';
import { organisationEditPage, type OrganisationForm } from '../pages/organisation-page.ts';
import { auditPage, organisationsPage, outboxMessagePage, outboxPage, principalPage, principalsPage, secretOncePage } from '../pages/admin-pages.ts';
import type { ConsoleServices } from '../router.ts';
import { noticeFrom } from './queue-routes.ts';

const A = `${CONSOLE_PATH}/admin`;
const AUDIT_PAGE = 100;

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, 4000) : '';
}

function list(req: Request, name: string): string[] {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function id(req: Request): string {
  return String(req.params['id'] ?? '');
}

export function adminRoutes({ deps }: ConsoleServices): Router {
  const router = express.Router();
  const adminDeps = { store: deps.store, audit: deps.audit, clock: deps.clock, tokenSettings: { ...deps.config.jwt, secret: deps.secrets.jwtSecret } };

  router.use((_req, res, next) => {
    if (!signedIn(res).principal.roles.includes('secretariat')) throw new C4Error('FORBIDDEN', 'secretariat only');
    next();
  });

  /** A refused admin action: the page again with the reason (the C4Error message names the field). */
  function problem(res: Response, err: unknown): string {
    if (!isC4Error(err) || !['VALIDATION_FAILED', 'CONFLICT', 'NOT_FOUND', 'FORBIDDEN'].includes(err.code)) throw err;
    return `${requestContext(res).t('admin.refused')} ${err.message}`;
  }

  async function showOrgs(res: Response, status: number, notice: Parameters<typeof organisationsPage>[2]) {
    res
      .status(status)
      .type('html')
      .send(organisationsPage(requestContext(res), await deps.store.listOrganisations(), notice));
  }

  router.get('/organisations', async (req, res) => showOrgs(res, 200, noticeText(req, res)));
  router.get('/diagnostics', async (_req, res) => {
    res.type('html').send(diagnosticsPage(requestContext(res), deps.diagnostics ? await deps.diagnostics() : null));
  });
  router.post('/organisations', async (req, res) => {
    try {
      await addOrganisation(deps, signedIn(res).principal.id, {
        name: field(req, 'name'),
        tier: field(req, 'tier') as 'participant',
        sector: field(req, 'sector'),
        domains: field(req, 'domains')
          .split(/[\s,]+/)
          .filter(Boolean),
        networks: field(req, 'networks')
          .split(/[\s,]+/)
          .filter(Boolean),
        contacts: [
          {
            name: field(req, 'contactName'),
            means: [
              { kind: 'email', value: field(req, 'contactEmail') },
              { kind: 'phone', value: field(req, 'contactPhone') },
            ],
          },
        ],
        rulesAccepted: field(req, 'rulesAccepted') === 'yes',
      });
    } catch (err) {
      return showOrgs(res, 400, { kind: 'error', text: problem(res, err) });
    }
    res.redirect(303, `${A}/organisations?notice=notice.saved`);
  });
  router.get('/organisations/:id', async (req, res) => {
    const org = await deps.store.getOrganisation(id(req));
    if (!org) throw new C4Error('NOT_FOUND', 'no such organisation');
    res.type('html').send(organisationEditPage(requestContext(res), org, noticeText(req, res)));
  });
  // Details and points of contact, checked by the directory's one edit rule (as the CLI and the participant page).
  router.post('/organisations/:id', async (req, res) => {
    const org = await deps.store.getOrganisation(id(req));
    if (!org) throw new C4Error('NOT_FOUND', 'no such organisation');
    const form: OrganisationForm = {
      name: field(req, 'name'),
      tier: field(req, 'tier'),
      sector: field(req, 'sector'),
      language: field(req, 'language') || org.language,
      domains: field(req, 'domains'),
      networks: field(req, 'networks'),
      rulesAccepted: field(req, 'rulesAccepted') === 'yes',
      contacts: list(req, 'contactName').map((name, i) => ({ name, means: list(req, 'contactMeans')[i] ?? '' })),
    };
    try {
      await editOrganisation(deps, signedIn(res).principal.id, org.id, {
        name: form.name || org.name,
        tier: form.tier as Tier,
        sector: form.sector,
        language: form.language as Language,
        domains: form.domains.split(/[\s,]+/).filter(Boolean),
        networks: form.networks.split(/[\s,]+/).filter(Boolean),
        rulesAccepted: form.rulesAccepted,
        // A form without contact rows (an older page) leaves the contacts as they are.
        ...(form.contacts.length > 0 ? { contacts: contactsFromRows(form.contacts, list(req, 'removeContact')) } : {}),
      });
    } catch (err) {
      return void res
        .status(400)
        .type('html')
        .send(organisationEditPage(requestContext(res), org, { kind: 'error', text: problem(res, err) }, form));
    }
    res.redirect(303, `${A}/organisations/${encodeURIComponent(org.id)}?notice=notice.saved`);
  });

  async function showPrincipals(res: Response, status: number, notice: Parameters<typeof principalsPage>[4]) {
    const [principals, orgs, tokens] = await Promise.all([deps.store.listPrincipals(), deps.store.listOrganisations(), deps.store.listTokens()]);
    res
      .status(status)
      .type('html')
      .send(principalsPage(requestContext(res), principals, new Map(orgs.map((o) => [o.id, o])), tokens, notice));
  }

  router.get('/principals', async (req, res) => showPrincipals(res, 200, noticeText(req, res)));
  router.post('/principals', async (req, res) => {
    const rc = requestContext(res);
    let added;
    try {
      added = await addPrincipal(deps, signedIn(res).principal.id, {
        orgId: field(req, 'orgId'),
        name: field(req, 'name'),
        email: field(req, 'email'),
        roles: list(req, 'roles') as Role[],
        language: (field(req, 'language') === 'en' ? 'en' : 'ja') as Language,
      });
    } catch (err) {
      return showPrincipals(res, 400, { kind: 'error', text: problem(res, err) });
    }
    const lines: [string, string][] = [[rc.t('login.name'), added.principal.name]];
    if (added.consolePassword) lines.push([rc.t('admin.oneTimePassword'), added.consolePassword]);
    if (added.smtpSecret) lines.push([rc.t('admin.smtpSecret'), added.smtpSecret]);
    res.type('html').send(secretOncePage(rc, rc.t('admin.principalCreated'), lines, `${A}/principals`));
  });
  router.get('/principals/:id', async (req, res) => {
    const p = await deps.store.getPrincipal(id(req));
    if (!p) throw new C4Error('NOT_FOUND', 'no such principal');
    const [org, tokens] = await Promise.all([deps.store.getOrganisation(p.orgId), deps.store.listTokens(p.id)]);
    res.type('html').send(principalPage(requestContext(res), p, org, tokens, noticeText(req, res)));
  });
  router.post('/principals/:id/status', async (req, res) => {
    await admin.setStatus(adminDeps, signedIn(res).principal, id(req), field(req, 'status') === 'active' ? 'active' : 'disabled');
    res.redirect(303, `${A}/principals?notice=notice.saved`);
  });
  router.post('/principals/:id/reset-second-factor', async (req, res) => {
    await admin.resetSecondFactor(adminDeps, signedIn(res).principal, id(req));
    res.redirect(303, `${A}/principals/${encodeURIComponent(id(req))}?notice=notice.saved`);
  });
  const once = (path: string, what: 'admin.oneTimePassword' | 'admin.smtpSecret' | 'admin.apiToken', make: (req: Request, res: Response) => Promise<string>) =>
    router.post(path, async (req, res) => {
      const rc = requestContext(res);
      let secret: string;
      try {
        secret = await make(req, res);
      } catch (err) {
        const p = await deps.store.getPrincipal(id(req));
        if (!p) throw err;
        const text = problem(res, err);
        return void res
          .status(400)
          .type('html')
          .send(principalPage(rc, p, await deps.store.getOrganisation(p.orgId), await deps.store.listTokens(p.id), { kind: 'error', text }));
      }
      res.type('html').send(secretOncePage(rc, rc.t(what), [[rc.t(what), secret]], `${A}/principals/${encodeURIComponent(id(req))}`));
    });
  once('/principals/:id/reset-password', 'admin.oneTimePassword', (req, res) => admin.resetPassword(adminDeps, signedIn(res).principal, id(req)));
  once('/principals/:id/smtp-secret', 'admin.smtpSecret', (req, res) => admin.newSmtpSecret(adminDeps, signedIn(res).principal, id(req)));
  once('/principals/:id/tokens', 'admin.apiToken', (req, res) =>
    admin.issueApiToken(adminDeps, signedIn(res).principal, id(req), field(req, 'label'), Number(field(req, 'days'))),
  );
  router.post('/tokens/:jti/revoke', async (req, res) => {
    const jti = String(req.params['jti'] ?? '');
    const token = await deps.store.getToken(jti);
    await admin.revokeApiToken(adminDeps, signedIn(res).principal, jti);
    res.redirect(303, `${A}/principals/${encodeURIComponent(token?.principalId ?? '')}?notice=notice.saved`);
  });

  router.get('/audit', async (req, res) => {
    const head = (await deps.store.auditHead())?.seq ?? 0;
    const before = Math.min(head + 1, Math.max(1, Number.parseInt(String(req.query.before ?? head + 1), 10) || head + 1));
    const from = Math.max(0, before - 1 - AUDIT_PAGE);
    const [verification, events, principals] = await Promise.all([
      verifyAudit(deps.store, deps.auditKey),
      deps.store.listAudit(from, before - 1 - from),
      deps.store.listPrincipals(),
    ]);
    const names = new Map(principals.map((p) => [p.id, p.name]));
    res.type('html').send(auditPage(requestContext(res), verification, [...events].reverse(), names, from > 0 ? from + 1 : null));
  });

  router.get('/outbox', async (_req, res) => {
    const dir = deps.outboxDir;
    let files: { name: string; size: number; mtime: string }[] = [];
    if (dir) {
      const names = await readdir(dir).catch(() => [] as string[]);
      files = await Promise.all(
        names
          .filter((n) => n.endsWith('.eml'))
          .map(async (name) => {
            const s = await stat(path.join(dir, name));
            return { name, size: s.size, mtime: s.mtime.toISOString() };
          }),
      );
      files.sort((a, b) => b.mtime.localeCompare(a.mtime) || a.name.localeCompare(b.name));
    }
    res.type('html').send(outboxPage(requestContext(res), files.slice(0, 500), Boolean(dir)));
  });
  router.get('/outbox/:name', async (req, res) => {
    const name = String(req.params['name'] ?? '');
    if (!deps.outboxDir || !/^[\w.-]+\.eml$/.test(name)) throw new C4Error('NOT_FOUND', 'no such message');
    const raw = await readFile(path.join(deps.outboxDir, name)).catch(() => null);
    if (raw === null) throw new C4Error('NOT_FOUND', 'no such message');
    const text = raw.toString('utf8');
    res.type('html').send(outboxMessagePage(requestContext(res), name, text.slice(0, 1_000_000), await readOutboxMessage(raw.subarray(0, 1_000_000))));
  });

  return router;
}

function noticeText(req: Request, res: Response) {
  const text = noticeFrom(req.query.notice, requestContext(res).t);
  return text ? { kind: 'ok' as const, text } : null;
}
