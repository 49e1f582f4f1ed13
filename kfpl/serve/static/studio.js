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

  // Completion and "what is this", from the language service of `kfpl lsp`
  // (/studio/assist). Text from the server is put in with textContent: never parsed.
  var list = document.getElementById("completions");
  var hoverBox = document.getElementById("hover");
  var asked = 0;
  var assistTimer = null;
  var items = [];
  var chosen = 0;
  var prefix = "";

  function caret() {
    var before = source.value.slice(0, source.selectionStart).split("\n");
    return { line: before.length - 1, column: Array.from(before[before.length - 1]).length };
  }

  function closeList() { list.hidden = true; items = []; }

  function showList() {
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === chosen ? "true" : "false");
      li.dataset.label = item.label;
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind;
      var detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = item.detail;
      li.append(label, kind, detail);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); chosen = i; accept(); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  function accept() {
    var item = items[chosen];
    if (!item) return;
    var at = source.selectionStart;
    var start = at - prefix.length;
    source.setRangeText(item.label, start, at, "end");
    closeList();
    source.dispatchEvent(new Event("input"));
  }

  function assist(complete) {
    var ticket = ++asked;
    var where = caret();
    post(root.dataset.root + "/studio/assist", { file: root.dataset.file, text: source.value, line: where.line, column: where.column })
      .then(function (res) {
        if (ticket !== asked || res.status !== 200) return;
        if (res.data.hover) hoverBox.textContent = res.data.hover;
        prefix = res.data.prefix;
        if (complete && prefix) { items = res.data.completions; chosen = 0; showList(); }
        else closeList();
      });
  }

  function assistLater(complete) {
    clearTimeout(assistTimer);
    assistTimer = setTimeout(function () { assist(complete); }, 150);
  }

  source.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "Tab" || (e.key === "Enter" && items.length)) { e.preventDefault(); accept(); }
    else if (e.key === "ArrowDown") { e.preventDefault(); chosen = (chosen + 1) % items.length; showList(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); chosen = (chosen + items.length - 1) % items.length; showList(); }
    else if (e.key === "Escape") { closeList(); }
  });
  source.addEventListener("input", function (e) { later(); assistLater(e.isTrusted !== false || e.inputType !== undefined); });
  source.addEventListener("click", function () { later(); closeList(); assistLater(false); });
  source.addEventListener("blur", function () { setTimeout(closeList, 150); });
  source.addEventListener("keyup", function (e) { if (e.key.indexOf("Arrow") === 0 && list.hidden) { later(); assistLater(false); } });
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
