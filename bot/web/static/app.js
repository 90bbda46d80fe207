// oralblanc console: the editor's "go to line" buttons and the cursor's line number. No build step.
(function () {
  "use strict";
  function source() { return document.getElementById("source"); }
  function goToLine(n) {
    var area = source();
    if (!area) return;
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[n - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var lineHeight = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (n - 5) * lineHeight);
    showCursor();
  }
  function showCursor() {
    var area = source(), out = document.getElementById("cursor");
    if (!area || !out) return;
    var line = area.value.slice(0, area.selectionStart).split("\n").length;
    out.textContent = (document.documentElement.lang === "fr" ? "ligne " : "line ") + line;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.goto") : null;
    if (button) { event.preventDefault(); goToLine(parseInt(button.getAttribute("data-line"), 10)); }
  });
  document.addEventListener("keyup", function (event) { if (event.target.id === "source") showCursor(); });
  document.addEventListener("click", function (event) { if (event.target.id === "source") showCursor(); });
})();
