// The check-in desk on a phone: a scan made while the phone is offline is
// kept on the phone (with its client nonce and the time it was made) and
// uploaded to the API when the network comes back — each scan once: the
// server answers a nonce it has seen as it did the first time.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var code = form.getAttribute("data-activity");
  var key = "kexie.desk." + code;
  var status = document.getElementById("checkin-queue");

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(key, JSON.stringify(q)); show(q); }
  function show(q) {
    if (!status) { return; }
    status.hidden = q.length === 0;
    status.textContent = (status.getAttribute("data-label") || "") + " " + q.length;
  }
  function nonce() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function csrf() {
    var i = form.querySelector('input[name="csrf_token"]');
    return i ? i.value : "";
  }

  var sending = false;
  function flush() {
    var q = load();
    if (sending || q.length === 0 || !navigator.onLine) { return; }
    sending = true;
    var scan = q[0];
    fetch("/api/v1/activities/" + encodeURIComponent(code) + "/checkins", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(scan)
    }).then(function (res) {
      sending = false;
      if (res.status === 201 || (res.status >= 400 && res.status < 500)) {
        // Recorded, or refused for good (a code of no registration): done.
        var rest = load().filter(function (s) { return s.nonce !== scan.nonce; });
        save(rest);
        flush();
      }
    }).catch(function () { sending = false; });
  }

  form.addEventListener("submit", function (ev) {
    if (navigator.onLine) { return; }
    ev.preventDefault();
    var input = form.querySelector('input[name="code"]');
    var list = form.querySelector('input[name="list"]');
    var q = load();
    q.push({ code: input.value.trim(), list: list ? list.value : "", nonce: nonce(), at: new Date().toISOString(), offline: true });
    save(q);
    input.value = "";
    input.focus();
  });
  window.addEventListener("online", flush);
  show(load());
  flush();
})();
