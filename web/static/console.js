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
      .then(function (r) { return r.ok ? r.json() : null; })
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
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  setInterval(poll, seconds * 1000);
})();
