// Follows an import in progress: polls the JSON endpoint named by
// [data-import-progress], moves the bar, and reloads the page for the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector("[role=progressbar]");
  var text = box.querySelector("[data-progress-text]");
  var status = document.querySelector("[data-testid=status]");
  var delay = 1000;

  function show(percent, phase) {
    var full = phase === "writing" || phase === "queued" || phase === "reading";
    bar.style.width = (full ? 100 : percent) + "%";
    bar.classList.toggle("progress-bar-striped", full);
    bar.classList.toggle("progress-bar-animated", full);
    meter.setAttribute("aria-valuenow", String(percent));
  }

  function poll() {
    fetch(box.dataset.importProgress, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // A finished job shows its result; a file read shows the column check.
        if (data && (data.finished || data.status === "uploaded")) { window.location.reload(); return; }
        if (data) {
          show(data.percent, data.status);
          text.textContent = data.text;
          if (status) { status.textContent = data.status_label; }
          delay = 1000;
        } else {
          delay = Math.min(delay * 2, 10000);
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); window.setTimeout(poll, delay); });
  }

  show(Number(box.dataset.percent) || 0, box.dataset.status);
  window.setTimeout(poll, delay);
})();
