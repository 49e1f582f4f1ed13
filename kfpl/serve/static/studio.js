// The drafting studio: send the text on every change (debounced), show the panel the
// server renders (already escaped), save on request. No framework, nothing fetched
// from elsewhere.
(function () {
  "use strict";
  var root = document.getElementById("studio");
  var source = document.getElementById("source");
  var panel = document.getElementById("panel");
  var status = document.getElementById("save-status");
  var timer = null;
  var sent = 0;

  function line() {
    return source.value.slice(0, source.selectionStart).split("\n").length;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    });
  }

  function refresh() {
    var ticket = ++sent;
    root.setAttribute("aria-busy", "true");
    post(root.dataset.root + "/studio/preview", { file: root.dataset.file, text: source.value, line: line(), lang: root.dataset.lang })
      .then(function (res) {
        if (ticket !== sent) return; // an older answer arriving after a newer one
        root.removeAttribute("aria-busy");
        if (res.status !== 200) { status.textContent = res.data.error; return; }
        panel.innerHTML = res.data.html;
        root.dataset.errors = String(res.data.errors);
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  source.addEventListener("input", later);
  source.addEventListener("click", later);
  source.addEventListener("keyup", function (e) { if (e.key.indexOf("Arrow") === 0) later(); });
  document.getElementById("save").addEventListener("click", function () {
    status.textContent = "…";
    post(root.dataset.root + "/studio/save", { file: root.dataset.file, text: source.value, base: root.dataset.saved })
      .then(function (res) {
        if (res.status === 200) {
          root.dataset.saved = res.data.base;
          status.textContent = root.dataset.lang === "en" ? "Saved" : "已保存";
          refresh();
        } else {
          status.textContent = res.data.error;
        }
      });
  });
  refresh();
})();
