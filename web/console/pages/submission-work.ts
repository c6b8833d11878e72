// The submission page's assignment and internal notes (sharing/triage/assignment.ts, notes.ts),
// and the keyboard help shared with the queue. Notes are shown as text (escaped, hidden characters
// made visible, line breaks kept), newest first with author and time in the viewer's time zone.
import type { Principal, SubmissionNote } from '../../../core/types.ts';
import { NOTE_MAX_CHARS } from '../../../sharing/triage/index.ts';
import { CONSOLE_PATH, type RequestContext } from '../context.ts';
import { html, type SafeHtml } from '../html.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { SubmissionView } from '../submission/load.ts';
import { csrfField } from './layout.ts';
import { mailText, when } from './parts.ts';

const nameOf = (staff: ReadonlyMap<string, Principal>, id: string): string => staff.get(id)?.displayName ?? id;

export function assignmentSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const action = (name: string) => `${CONSOLE_PATH}/submissions/${encodeURIComponent(v.submission.id)}/${name}`;
  const a = v.submission.assignee;
  const me = rc.who?.principal.id;
  const others = [...v.staff.values()].filter((p) => p.id !== a?.principalId);
  return html`<section id="assignment"><h2>${rc.t('sub.assignTitle')}</h2>
    <p data-testid="assignee">${
      a ? rc.t('sub.assignedTo', { name: nameOf(v.staff, a.principalId), by: nameOf(v.staff, a.assignedBy) }) : rc.t('sub.unassigned')
    }${a ? when(rc, a.assignedAt) : null}</p>
    <div class="actions">
      ${
        a?.principalId !== me
          ? html`<form method="post" action="${action('assign')}">${csrfField(rc)}<button type="submit" data-testid="assign-me">${rc.t('sub.assignToMe')}</button></form>`
          : null
      }
      ${a ? html`<form method="post" action="${action('unassign')}">${csrfField(rc)}<button type="submit" data-testid="release">${rc.t('sub.release')}</button></form>` : null}
      <form method="post" action="${action('assign')}">${csrfField(rc)}
        <label>${rc.t('sub.handOverTo')} <select name="assignee">${others.map((p) => html`<option value="${p.id}">${p.displayName}</option>`)}</select></label>
        <button type="submit">${rc.t('sub.handOver')}</button>
      </form>
    </div>
  </section>`;
}

function noteItem(rc: RequestContext, v: SubmissionView, n: SubmissionNote): SafeHtml {
  return html`<li class="note" data-note="${n.id}">${mailText(n.text)}<br><span class="small muted">${rc.t('sub.noteBy', { author: nameOf(v.staff, n.authorId) })}${when(rc, n.createdAt)}</span></li>`;
}

export function internalNotesSection(rc: RequestContext, v: SubmissionView): SafeHtml {
  const action = `${CONSOLE_PATH}/submissions/${encodeURIComponent(v.submission.id)}/notes`;
  return html`<section id="internal-notes"><h2>${rc.t('sub.internalNotesTitle')}</h2>
    <p class="small muted">${rc.t('sub.internalNotesExplain')}</p>
    <form method="post" action="${action}" class="note-form">${csrfField(rc)}
      <label>${rc.t('sub.noteLabel')}<br><textarea id="note-text" name="text" rows="3" cols="80" maxlength="${String(NOTE_MAX_CHARS)}" required></textarea></label>
      <button type="submit" data-testid="add-note">${rc.t('sub.addNote')}</button>
    </form>
    ${
      v.notes.length === 0
        ? html`<p class="muted" data-testid="no-notes">${rc.t('sub.noInternalNotes')}</p>`
        : html`<ol class="notes" data-testid="notes">${v.notes.map((n) => noteItem(rc, v, n))}</ol>`
    }
  </section>`;
}

const KEYS: readonly MessageKey[] = ['keys.jk', 'keys.open', 'keys.approve', 'keys.reject', 'keys.mine', 'keys.note', 'keys.search'];

/** The keyboard shortcuts, shown and hidden with `?` (web/static/console.js). */
export function keysHelp(rc: RequestContext): SafeHtml {
  return html`<aside id="keys-help" class="notice" hidden data-testid="keys-help"><h2>${rc.t('keys.title')}</h2>
    <ul>${KEYS.map((k) => html`<li>${rc.t(k)}</li>`)}</ul><p class="small">${rc.t('keys.help')}</p></aside>`;
}
