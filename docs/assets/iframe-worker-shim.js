/* A Web Worker for pages opened from disk (file://).
 *
 * Browsers refuse `new Worker("file://…")`, so the site's search (which runs in a
 * worker) would be dead when the built site is opened without a server. Here the
 * worker script runs in a hidden iframe instead: `postMessage` both ways (data is
 * structured-cloned, as with a real worker), `importScripts` returning a promise. It
 * follows the interface of iframe-worker (MIT, by squidfunk), which mkdocs-material's
 * offline plugin and search worker expect (`parent.IFrameWorker`), so no file has to
 * be fetched from the network. Served over http(s) nothing is replaced.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  function load(doc, url) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("cannot load " + url)); };
      doc.head.appendChild(script);
    });
  }

  function IFrameWorker(url) {
    var target = new EventTarget();
    var self = this;
    this._target = target;
    this._queue = [];
    this._ready = false;
    this.onmessage = null;
    this.onerror = null;
    var iframe = document.createElement("iframe");
    iframe.setAttribute("aria-hidden", "true");
    iframe.tabIndex = -1;
    iframe.style.display = "none";
    (document.body || document.documentElement).appendChild(iframe);
    this._iframe = iframe;
    var win = iframe.contentWindow;
    var doc = iframe.contentDocument;
    this._win = win;
    win.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, next) {
        return done.then(function () { return load(doc, new URL(next, location.href).href); });
      }, Promise.resolve());
    };
    win.postMessage = function (data) { self._emit("message", data); };
    win.close = function () { self.terminate(); };
    load(doc, new URL(url, location.href).href).then(
      function () {
        self._ready = true;
        self._queue.splice(0).forEach(function (data) { self._deliver(data); });
      },
      function (error) { self._emit("error", error); }
    );
  }

  IFrameWorker.prototype.postMessage = function (data) {
    if (this._ready) this._deliver(data);
    else this._queue.push(data);
  };
  IFrameWorker.prototype._deliver = function (data) {
    var win = this._win;
    // Cloned in the iframe's own realm: code there may test `instanceof Array`.
    win.dispatchEvent(new win.MessageEvent("message", { data: win.structuredClone(data) }));
  };
  IFrameWorker.prototype._emit = function (type, data) {
    var self = this;
    var event = type === "message"
      ? new MessageEvent("message", { data: structuredClone(data) })
      : new ErrorEvent("error", { error: data, message: String(data) });
    setTimeout(function () {
      self._target.dispatchEvent(event);
      var handler = type === "message" ? self.onmessage : self.onerror;
      if (typeof handler === "function") handler.call(self, event);
    });
  };
  IFrameWorker.prototype.addEventListener = function (type, listener, options) {
    this._target.addEventListener(type, listener, options);
  };
  IFrameWorker.prototype.removeEventListener = function (type, listener, options) {
    this._target.removeEventListener(type, listener, options);
  };
  IFrameWorker.prototype.dispatchEvent = function (event) {
    return this._target.dispatchEvent(event);
  };
  IFrameWorker.prototype.terminate = function () {
    this._iframe.remove();
  };

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
