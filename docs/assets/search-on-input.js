/* Search on every change of the search box, not only on a key release.
 *
 * mkdocs-material reads the query on `keyup` (and on focus, and once when the index is
 * ready). Text that arrives without a key release — pasted with the mouse, a word picked
 * with the mouse from an input method's candidates, filled in by the browser or a test —
 * was never searched: the first query could still show results (read when the index
 * became ready), later ones did not. Each `input` event is passed on as a `keyup`, which
 * material reads as usual; it ignores a value it has already searched, so a real key
 * release costs nothing more.
 * The listener sits on the document, so it holds whenever this script runs; the keyup
 * does not bubble, as material's listener is on the box and nothing else should see it.
 */
(function () {
  "use strict";
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.matches("[data-md-component=search-query]")) {
      box.dispatchEvent(new KeyboardEvent("keyup"));
    }
  });
})();
