// The secretariat's page of one organisation: name, tier, sector, language, registered domains and
// networks, rules acceptance and its points of contact (each with its contact means, one
// `kind=value` per line; a blank row adds one, a ticked box removes one). The form is checked by
// the directory's one edit rule (core/directory.ts editOrganisation), as the CLI and the
// participant page are.
import { contactSpec } from '../../../core/directory.ts';
import { LANGUAGES, TIERS, type Organisation } from '../../../core/types.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html } from '../html.ts';
import { csrfField, renderPage } from './layout.ts';
import { tierName } from './parts.ts';

type Notice = { readonly kind: 'ok' | 'warn' | 'error'; readonly text: string } | null;

/** What the form posts, as typed (shown again when refused). */
export interface OrganisationForm {
  readonly name: string;
  readonly tier: string;
  readonly sector: string;
  readonly language: string;
  readonly domains: string;
  readonly networks: string;
  readonly rulesAccepted: boolean;
  readonly contacts: readonly { readonly name: string; readonly means: string }[];
}

export function organisationForm(o: Organisation): OrganisationForm {
  return {
    name: o.name,
    tier: o.tier,
    sector: o.sector,
    language: o.language,
    domains: o.domains.join('\n'),
    networks: o.networks.join('\n'),
    rulesAccepted: o.rulesAcceptedAt !== null,
    contacts: o.contacts.map((c) => ({ name: c.name, means: contactSpec(c).split(';').slice(1).join('\n') })),
  };
}

export function organisationEditPage(rc: RequestContext, o: Organisation, notice: Notice, form: OrganisationForm = organisationForm(o)): string {
  const t = rc.t;
  const rows = [...form.contacts, { name: '', means: '' }];
  return renderPage(rc, {
    title: o.name,
    notice,
    body: html`<h1>${o.name}</h1>
      <form method="post" action="${CONSOLE_PATH}/admin/organisations/${encodeURIComponent(o.id)}" class="settings">${csrfField(rc)}
        <p><label>${t('admin.name')} <input name="name" value="${form.name}" required maxlength="200"></label>
        <label>${t('admin.tier')} <select name="tier">${TIERS.map((x) => html`<option value="${x}"${x === form.tier ? html` selected` : null}>${tierName(rc, x)}</option>`)}</select></label>
        <label>${t('queue.sector')} <input name="sector" value="${form.sector}" required></label>
        <label>${t('admin.language')} <select name="language">${LANGUAGES.map((l) => html`<option value="${l}"${l === form.language ? html` selected` : null}>${l === 'ja' ? '日本語' : 'English'}</option>`)}</select></label></p>
        <p><label>${t('admin.domainsHelp')}<br><textarea name="domains" rows="4" cols="50">${form.domains}</textarea></label></p>
        <p><label>${t('admin.networksHelp')}<br><textarea name="networks" rows="4" cols="50">${form.networks}</textarea></label></p>
        <p><label><input type="checkbox" name="rulesAccepted" value="yes"${form.rulesAccepted ? html` checked` : null}> ${t('admin.rules')}</label></p>
        <h2>${t('admin.contacts')}</h2><p class="muted">${t('admin.contactsHelp')}</p>
        ${rows.map(
          (r, i) => html`<fieldset data-contact="${i}"><legend>${r.name || t('admin.addContact')}</legend>
          <label>${t('admin.contactName')} <input name="contactName" value="${r.name}" maxlength="200"></label>
          <label>${t('admin.contactMeans')}<br><textarea name="contactMeans" rows="3" cols="50">${r.means}</textarea></label>
          ${r.name ? html`<label><input type="checkbox" name="removeContact" value="${r.name}"> ${t('admin.removeContact')}</label>` : null}</fieldset>`,
        )}
        <button type="submit">${t('settings.save')}</button>
      </form>`,
  });
}
