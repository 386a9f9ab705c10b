/* The door's scanner page (templates/checkin/scanner.html): a code typed or wedged in plus Enter,
   the search by name, company or phone, walk-ins, and the full-screen answer. Every scan carries a
   nonce of its own: when the network fails the answer reads NOT VERIFIED (never green) and the
   same request, same nonce, is sent again until the server answers; the server never checks a
   guest in twice for one nonce. window.RapportDoor.submit(code, source) is the entry for other
   readers (the camera). */
(function () {
  "use strict";
  var body = document.body;
  var words = JSON.parse(document.getElementById("door-words").textContent);
  var labels = words.labels;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var entrance = body.dataset.entrance || "";
  var codeInput = document.getElementById("code");
  var overlay = document.getElementById("answer");
  var SAME_CODE_MS = 3000, RETRY_MS = 2000, RESET = {green: 3000, amber: 6000, red: 6000};
  var lastCode = null, lastAt = 0, resetTimer = null, shownCheckin = null;

  function nonce() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(payload)
    });
  }

  // ------------------------------------------------------------ sending, with retries

  function send(url, payload) {
    post(url, payload).then(function (response) {
      if (response.status === 200) {
        return response.json().then(show);
      }
      if (response.status === 429 || response.status >= 500) {
        throw new Error("HTTP " + response.status);
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        showRefusal(data.error || ("HTTP " + response.status));
      });
    }).catch(function () {
      showUnverified();
      setTimeout(function () { send(url, payload); }, RETRY_MS);  // same payload, same nonce
    });
  }

  function submit(code, source) {
    code = (code || "").trim();
    if (!code) { return; }
    var now = Date.now();
    if (code === lastCode && now - lastAt < SAME_CODE_MS) { return; }  // the same code scanned twice
    lastCode = code; lastAt = now;
    send(body.dataset.scanUrl, {code: code, nonce: nonce(), scanned_at: new Date().toISOString(),
                                source: source || "scanner", entrance: entrance});
  }

  // ------------------------------------------------------------ the answer

  function part(selector) { return overlay.querySelector(selector); }

  function open(colour, icon) {
    overlay.className = "door-answer door-answer-" + colour;
    overlay.dataset.colour = colour;
    part(".door-answer-icon i").className = "bi " + icon;
    overlay.hidden = false;
    clearTimeout(resetTimer);
    if (RESET[colour]) { resetTimer = setTimeout(close, RESET[colour]); }
    codeInput.focus();
  }

  function fill(status, name, company, facts, look, reason, when) {
    part(".door-answer-status").textContent = status;
    part(".door-answer-name").textContent = name || "";
    part(".door-answer-company").textContent = company || "";
    part(".door-answer-facts").textContent = facts || "";
    var list = part(".door-answer-look");
    list.textContent = "";
    (look || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    part(".door-answer-reason").textContent = reason || "";
    part(".door-answer-when").textContent = when || "";
  }

  function feedback(colour) {
    if (navigator.vibrate) { navigator.vibrate(colour === "green" ? 80 : [200, 100, 200]); }
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      var context = feedback.context || (feedback.context = new Context());
      var tone = context.createOscillator(), gain = context.createGain();
      tone.frequency.value = colour === "green" ? 880 : colour === "amber" ? 660 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain); gain.connect(context.destination);
      tone.start(); tone.stop(context.currentTime + (colour === "green" ? 0.12 : 0.4));
    } catch (ignored) { /* no sound: the colour says it */ }
  }

  function show(answer) {
    var guest = answer.guest || {}, facts = [], look = [], when = "";
    if (guest.tier) { facts.push(words.tier + ": " + (labels.tier_labels[guest.tier] || guest.tier)); }
    var companions = answer.checkin && answer.status === "ok" ? answer.checkin.companions : guest.companions;
    if (companions) { facts.push(words.companions + ": " + companions); }
    (answer.look || []).forEach(function (key) {
      var text = labels.look_labels[key] || key;
      if (key === "dietary" && guest.dietary) { text += ": " + guest.dietary; }
      if (key === "notes" && guest.notes) { text += ": " + guest.notes; }
      if (key !== "companions") { look.push(text); }
    });
    if (answer.status === "already_checked_in" && answer.checkin) {
      var at = new Date(answer.checkin.at);
      when = [format(words.checked_in_at, {time: at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"})}),
              answer.checkin.entrance ? format(words.at_entrance, {entrance: answer.checkin.entrance}) : "",
              answer.checkin.by ? format(words.by, {name: answer.checkin.by}) : ""].filter(Boolean).join(", ");
    }
    if (answer.status === "wrong_event" && answer.event) {
      when = format(words.their_event, {title: answer.event.title, day: answer.event.event_day});
    }
    fill(labels.status_labels[answer.status] || answer.status, guest.name, guest.company, facts.join(" · "), look,
         labels.reason_labels[answer.reason] || "", when);
    open(answer.colour, answer.colour === "green" ? "bi-check-circle-fill"
                        : answer.colour === "amber" ? "bi-exclamation-circle-fill" : "bi-x-circle-fill");
    feedback(answer.colour);
    shownCheckin = answer.admitted && answer.checkin ? answer.checkin.id : null;
    var undo = document.getElementById("answer-undo");
    if (undo) { undo.hidden = !shownCheckin; }
    if (answer.status !== "already_checked_in" && answer.admitted && !answer.replayed) {
      bump("tally-in", 1);
      bump("tally-companions", answer.checkin ? answer.checkin.companions : 0);
    }
  }

  function showUnverified() {
    fill(labels.not_verified, "", "", "", [words.do_not_admit], words.retrying, "");
    open("unverified", "bi-wifi-off");
    clearTimeout(resetTimer);  // stays until the server answers
    var undo = document.getElementById("answer-undo");
    if (undo) { undo.hidden = true; }
  }

  function showRefusal(message) {
    fill(labels.status_labels.unknown, "", "", "", [], message, "");
    open("red", "bi-x-circle-fill");
  }

  function close() {
    clearTimeout(resetTimer);
    overlay.hidden = true;
    codeInput.value = "";
    codeInput.focus();
  }

  function bump(id, by) {
    var element = document.getElementById(id);
    element.textContent = String(parseInt(element.textContent, 10) + by);
  }

  function refreshTally() {
    fetch(body.dataset.tallyUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (tally) {
        if (!tally) { return; }
        document.getElementById("tally-in").textContent = tally.checked_in;
        document.getElementById("tally-accepted").textContent = tally.accepted;
        document.getElementById("tally-companions").textContent = tally.companions;
      }).catch(function () { /* offline: the counters wait */ });
  }

  // ------------------------------------------------------------ the page's controls

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";
    submit(code, "scanner");
  });
  document.getElementById("answer-close").addEventListener("click", close);
  overlay.addEventListener("click", function (event) { if (event.target === overlay) { close(); } });

  var undoButton = document.getElementById("answer-undo");
  if (undoButton) {
    undoButton.addEventListener("click", function () {
      var reason = window.prompt(words.undo_reason);
      if (!reason || !shownCheckin) { return; }
      post(body.dataset.undoUrl, {checkin_id: shownCheckin, reason: reason}).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error); }
          fill(words.undone, "", "", "", [], "", "");
          open("red", "bi-arrow-counterclockwise");
          refreshTally();
        });
      }).catch(function (error) { showRefusal(error.message); });
    });
  }

  // Search by name, company or phone (2 Chinese characters or 3 letters at least).
  var searchInput = document.getElementById("search"), results = document.getElementById("search-results");
  var searchMessage = document.getElementById("search-message"), searchTimer = null;
  function longEnough(text) {
    var chinese = (text.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g) || []).length;
    var letters = (text.match(/[^\W_]/g) || []).length + chinese;
    return chinese >= 2 || letters >= 3;
  }
  function renderResults(guests) {
    results.textContent = "";
    searchMessage.textContent = guests.length ? "" : words.no_results;
    guests.forEach(function (guest) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex align-items-center gap-2";
      var text = document.createElement("div");
      text.className = "flex-grow-1";
      var name = document.createElement("div");
      name.className = "fw-semibold";
      name.textContent = guest.name;
      var more = document.createElement("div");
      more.className = "small text-muted";
      var state = guest.rsvp === "accepted" ? "" : guest.rsvp === "declined" ? words.declined : words.not_accepted;
      more.textContent = [guest.company, guest.tier ? labels.tier_labels[guest.tier] : "", guest.phone, state]
        .filter(Boolean).join(" · ");
      text.appendChild(name); text.appendChild(more);
      item.appendChild(text);
      if (guest.checked_in) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-success";
        badge.textContent = words.checked_in;
        item.appendChild(badge);
      } else {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-primary";
        button.textContent = words.check_in;
        button.addEventListener("click", function () {
          send(body.dataset.guestUrl, {invitation_id: guest.id, nonce: nonce(), scanned_at: new Date().toISOString(),
                                       entrance: entrance});
          searchInput.value = ""; results.textContent = "";
        });
        item.appendChild(button);
      }
      results.appendChild(item);
    });
  }
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var text = searchInput.value.trim();
    if (!longEnough(text)) { results.textContent = ""; searchMessage.textContent = ""; return; }
    searchTimer = setTimeout(function () {
      fetch(body.dataset.searchUrl + "?q=" + encodeURIComponent(text),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.guests) { renderResults(data.guests); } else { searchMessage.textContent = data.error || ""; }
        }).catch(function () { searchMessage.textContent = labels.not_verified; });
    }, 300);
  });
  document.getElementById("search-form").addEventListener("submit", function (event) { event.preventDefault(); });

  // Walk-ins.
  document.getElementById("walk-in-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, message = document.getElementById("walk-in-message");
    message.textContent = "";
    var payload = {name: form.name.value, company: form.company.value, phone: form.phone.value,
                   email: form.email.value, companions: parseInt(form.companions.value || "0", 10) || 0,
                   nonce: nonce(), scanned_at: new Date().toISOString(), entrance: entrance};
    post(body.dataset.walkInUrl, payload).then(function (response) {
      return response.json().then(function (data) {
        if (response.status === 200) {
          form.reset();
          document.getElementById("walk-in").open = false;
          show(data);
        } else {
          message.textContent = data.error || ("HTTP " + response.status);
        }
      });
    }).catch(function () { message.textContent = labels.not_verified; });
  });

  setInterval(refreshTally, 30000);
  window.RapportDoor = {submit: submit, show: show};
  codeInput.focus();
}());
