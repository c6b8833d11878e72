// C⁴TAP console: the only script, loaded from this file (the CSP forbids inline script).
// Queue auto-refresh: asks /console/queue.json with the page's own filters how many new
// submissions arrived since the newest one shown and updates the counts; the page itself is not
// reloaded, so the analyst keeps their place. Values are written with textContent only.
(function () {
  'use strict';
  var body = document.body;
  var url = body.getAttribute('data-poll-url');
  var seconds = Number(body.getAttribute('data-poll-seconds') || '0');
  if (!url || !(seconds > 0)) return;
  var since = body.getAttribute('data-poll-since') || '';
  var banner = document.getElementById('queue-new');
  function poll() {
    var target = url + (url.indexOf('?') < 0 ? '?' : '&') + 'since=' + encodeURIComponent(since);
    fetch(target, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        var counts = data.counts || {};
        var total = 0;
        Object.keys(counts).forEach(function (status) {
          total += counts[status];
          var el = document.querySelector('[data-count-status="' + status + '"]');
          if (el) el.textContent = String(counts[status]);
        });
        var all = document.querySelector('[data-count-status="all"]');
        if (all) all.textContent = String(total);
        if (banner && since && data.newer > 0) {
          var link = banner.querySelector('a');
          if (link) link.textContent = (banner.getAttribute('data-template') || '{n}').replace('{n}', String(data.newer));
          banner.hidden = false;
        }
      })
      .catch(function () {
        /* offline for a moment: try again at the next tick */
      });
  }
  setInterval(poll, seconds * 1000);
})();

// Speed of use (issue 16). Progressive enhancement: without this script every form still posts
// and the server redirects back; with it, a form on a console page posts with fetch and only the
// page content is replaced, so the analyst keeps the scroll position and nothing reloads.
// Keyboard: j/k move in the queue, o or Enter opens, a approves, r rejects (the reason is typed in
// the page's own form, no dialog), m assigns to me, n goes to the note field, / goes to the
// indicator search, ? shows the list of keys. Values are written with textContent only.
(function () {
  'use strict';
  var main = document.querySelector('main');
  if (!main) return;
  var posts = 0;

  function csrf() {
    var el = document.querySelector('input[name="_csrf"]');
    return el ? el.value : '';
  }

  /** Where the server sends the browser after a successful post (read without following the redirect). */
  function landing(action, fields) {
    var back = fields.get('back');
    if (back && back.indexOf('/console/queue') === 0) return back;
    var m = /^(.*\/console\/submissions\/[^/]+)\//.exec(action);
    return m ? m[1] : window.location.href;
  }

  // The redirect is not followed by fetch (a same-origin redirect may be upgraded to https by the
  // CSP's upgrade-insecure-requests on plain-http test set-ups); the landing page is read instead.
  function post(action, fields) {
    var body = fields instanceof URLSearchParams ? fields : new URLSearchParams();
    if (!(fields instanceof URLSearchParams))
      Object.keys(fields).forEach(function (k) {
        body.append(k, fields[k]);
      });
    if (!body.has('_csrf')) body.append('_csrf', csrf());
    var opts = { credentials: 'same-origin', headers: { accept: 'text/html' } };
    return fetch(action, { method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual', headers: { accept: 'text/html' } }).then(function (r) {
      var redirected = r.type === 'opaqueredirect' || (r.status >= 300 && r.status < 400);
      var next = redirected ? fetch(landing(action, body), opts) : Promise.resolve(r);
      return next.then(function (page) {
        return page.text().then(function (text) {
          posts++;
          document.body.setAttribute('data-fetch-posts', String(posts));
          return { ok: redirected, status: r.status, url: redirected ? page.url : '', doc: new DOMParser().parseFromString(text, 'text/html') };
        });
      });
    });
  }

  function noticeOf(doc) {
    var n = doc.querySelector('main .notice[role="status"]');
    return n ? { text: n.textContent || '', kind: n.classList.contains('error') ? 'error' : 'ok' } : null;
  }

  // Triage forms (the submission page, the queue's bulk decision) post in place: their landing page
  // is known. Every other form (drills, administration, settings) posts as a plain form and follows
  // the server's redirect, which fetch cannot read.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || (form.method || '').toLowerCase() !== 'post') return;
    if (/\/(download|logout)$|\/login/.test(form.action) || form.hasAttribute('data-no-fetch')) return;
    if (!/\/console\/(submissions|queue)(\/|$)/.test(new URL(form.action, window.location.href).pathname)) return;
    ev.preventDefault();
    var fields = new URLSearchParams();
    new FormData(form, ev.submitter || undefined).forEach(function (v, k) {
      fields.append(k, String(v));
    });
    var y = window.scrollY;
    post(form.action, fields)
      .then(function (res) {
        var next = res.doc.querySelector('main');
        if (!next) {
          window.location.href = res.url;
          return;
        }
        main.replaceChildren.apply(
          main,
          Array.prototype.slice.call(next.childNodes).map(function (n) {
            return document.importNode(n, true);
          }),
        );
        if (res.ok && res.url) history.replaceState(null, '', res.url);
        // The server's notice travels in the redirect, which is not read: say that it was done.
        if (res.ok && !main.querySelector('.notice[role="status"]')) {
          var done = document.createElement('p');
          done.className = 'notice ok';
          done.setAttribute('role', 'status');
          done.textContent = document.body.getAttribute('data-done') || '✓';
          main.insertBefore(done, main.firstChild);
        }
        window.scrollTo(0, y);
      })
      .catch(function () {
        form.submit();
      });
  });

  // The queue: a current row moved with j/k, acted on with a/r.
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('tr[data-submission]'));
  }
  function current() {
    return document.querySelector('tr[data-submission].current');
  }
  function move(step) {
    var all = rows();
    if (all.length === 0) return;
    var i = all.indexOf(current());
    var next = all[Math.max(0, Math.min(all.length - 1, i < 0 ? 0 : i + step))];
    all.forEach(function (r) {
      r.classList.remove('current');
    });
    next.classList.add('current');
    next.scrollIntoView({ block: 'nearest' });
  }
  function actOnRow(row, name, fields) {
    var id = row.getAttribute('data-submission');
    var cell = row.querySelector('[data-cell="status"]');
    var assigneeCell = row.querySelector('[data-cell="assignee"]');
    post('/console/submissions/' + encodeURIComponent(id) + '/' + name, fields).then(function (res) {
      var status = res.doc.querySelector('[data-testid="status"]');
      var assignee = res.doc.querySelector('[data-testid="assignee"]');
      var notice = noticeOf(res.doc);
      if (cell && status) cell.textContent = status.textContent;
      if (name === 'assign' && res.ok && assigneeCell && assignee) assigneeCell.textContent = document.body.getAttribute('data-me') || assignee.textContent;
      row.setAttribute('data-result', res.ok ? 'ok' : 'refused');
      var banner = document.getElementById('queue-action');
      if (banner && notice) {
        banner.textContent = notice.text;
        banner.className = 'notice ' + notice.kind;
        banner.hidden = false;
      }
    });
  }

  // The queue's reject form: opened by r for the current row, posted in place (no reload, no dialog).
  var rejectForm = document.getElementById('queue-reject');
  var rejectRow = null;
  if (rejectForm) {
    rejectForm.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var reason = rejectForm.querySelector('input[name="reason"]');
      if (rejectRow && reason && reason.value.trim()) actOnRow(rejectRow, 'reject', { reason: reason.value });
      rejectForm.hidden = true;
      if (reason) reason.value = '';
    });
    var cancel = rejectForm.querySelector('[data-action="cancel"]');
    if (cancel)
      cancel.addEventListener('click', function () {
        rejectForm.hidden = true;
      });
  }

  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      if (ev.key === 'Escape') t.blur();
      return;
    }
    var row = current();
    var onSubmission = document.getElementById('triage');
    if (ev.key === 'j') move(1);
    else if (ev.key === 'k') move(-1);
    else if ((ev.key === 'o' || ev.key === 'Enter') && row) {
      var link = row.querySelector('a[href]');
      if (link) window.location.href = link.href;
    } else if (ev.key === '/') {
      var search = document.getElementById('queue-search');
      if (search) {
        ev.preventDefault();
        search.focus();
      }
    } else if (ev.key === 'a') {
      if (row) actOnRow(row, 'approve', {});
      else if (onSubmission) {
        var approve = onSubmission.querySelector('[data-testid="approve"]');
        if (approve && !approve.disabled) approve.click();
      }
    } else if (ev.key === 'r') {
      if (row && rejectForm) {
        rejectRow = row;
        rejectForm.hidden = false;
        var field = rejectForm.querySelector('input[name="reason"]');
        if (field) field.focus();
      } else if (onSubmission) {
        var input = onSubmission.querySelector('form.reject input[name="reason"]');
        if (input) {
          ev.preventDefault();
          input.focus();
        }
      }
    } else if (ev.key === 'm') {
      if (row) actOnRow(row, 'assign', {});
      else {
        var mine = document.querySelector('[data-testid="assign-me"]');
        if (mine) mine.click();
      }
    } else if (ev.key === 'n') {
      var note = document.getElementById('note-text');
      if (!note) return;
      note.focus();
    } else if (ev.key === '?') {
      var help = document.getElementById('keys-help');
      if (!help) return;
      help.hidden = !help.hidden;
    } else return;
    ev.preventDefault();
  });
})();
