// Optional: the pages work without it (plain links to #f-N and #h-N do the same, less smoothly).
// - Selecting a highlight or a pin moves keyboard focus to its finding in the list.
// - Selecting "In the text" in a finding marks every highlighted piece of that finding and
//   moves focus to the first one.
function clearCurrent() {
  document.querySelectorAll(".current").forEach(function (el) { el.classList.remove("current"); });
}

document.addEventListener("click", function (event) {
  var link = event.target.closest("a.hl, a.pin");
  if (link) {
    var entry = document.getElementById("f-" + link.dataset.finding);
    if (!entry) return;
    event.preventDefault();
    clearCurrent();
    entry.classList.add("current");
    link.classList.add("current");
    history.replaceState(null, "", "#f-" + link.dataset.finding);
    entry.scrollIntoView({ block: "nearest" });
    entry.focus({ preventScroll: true });
    return;
  }
  var back = event.target.closest(".finding a[href^='#h-']");
  if (back) {
    var number = back.getAttribute("href").slice(3);
    var pieces = Array.prototype.filter.call(document.querySelectorAll("pre.doc a.hl, pre.doc a.pin"), function (el) {
      return el.dataset.finding === number || (el.dataset.covers || "").split(" ").indexOf(number) >= 0;
    });
    if (!pieces.length) return;
    event.preventDefault();
    clearCurrent();
    pieces.forEach(function (el) { el.classList.add("current"); });
    back.closest(".finding").classList.add("current");
    pieces[0].scrollIntoView({ block: "center" });
    pieces[0].focus({ preventScroll: true });
  }
});
