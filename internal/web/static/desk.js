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

  // Scanning with the phone's camera, where the browser can read QR codes
  // itself (BarcodeDetector) and give the camera (a secure context):
  // elsewhere the button stays hidden and the field takes a scanner's or
  // typed code as before. A code read fills the field and sends the form
  // as if typed — offline, it is kept like any other scan.
  var box = document.getElementById("checkin-camera");
  if (!box || !("BarcodeDetector" in window) || !window.isSecureContext ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  box.hidden = false;
  var button = document.getElementById("camera-start");
  var video = document.getElementById("camera-view");
  var startLabel = button.textContent;
  var stream = null;
  var timer = null;
  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    button.textContent = startLabel;
  }
  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { box.hidden = true; return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      button.textContent = button.getAttribute("data-stop") || startLabel;
      return video.play();
    }).then(function () {
      function look() {
        if (!stream) { return; }
        detector.detect(video).then(function (codes) {
          if (codes.length > 0 && codes[0].rawValue) {
            var input = form.querySelector('input[name="code"]');
            input.value = codes[0].rawValue;
            stop();
            if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
            return;
          }
          timer = setTimeout(look, 250);
        }).catch(function () { timer = setTimeout(look, 500); });
      }
      look();
    }).catch(function () { stop(); });
  });
})();
