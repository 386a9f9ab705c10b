// Follows a bulk send: polls the JSON endpoint named by [data-send-progress] and shows sent,
// failed and remaining; reloads the page once at the end (to list the failed messages).
(function () {
  "use strict";
  var box = document.querySelector("[data-send-progress]");
  if (!box) { return; }
  var seenFailed = Number(box.dataset.failed) || 0;
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var delay = 1000;

  function bars(data) {
    ["sent", "failed"].forEach(function (key) {
      var share = data.total ? (100 * data[key] / data.total) : 0;
      var bar = box.querySelector("[data-bar=" + key + "]");
      bar.parentNode.style.width = share + "%";
      bar.parentNode.setAttribute("aria-valuenow", String(Math.round(share)));
    });
  }

  function show(data) {
    ["sent", "failed", "unknown", "remaining", "total"].forEach(function (key) {
      var count = box.querySelector("[data-count=" + key + "]");
      if (count) { count.textContent = format.format(data[key]); }
    });
    bars(data);
  }

  function poll() {
    fetch(box.dataset.sendProgress, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { delay = Math.min(delay * 2, 10000); window.setTimeout(poll, delay); return; }
        show(data);
        delay = 1000;
        if (data.finished) { window.location.reload(); return; }  // the final page: failures, no buttons
        window.setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); window.setTimeout(poll, delay); });
  }

  bars({ sent: Number(box.dataset.sent), failed: seenFailed, total: Number(box.dataset.total) });
  if (box.dataset.finished !== "true") { window.setTimeout(poll, 500); }
})();
