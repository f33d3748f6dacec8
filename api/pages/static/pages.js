// Optional: the pages work without it. Selecting a highlight (or a pin) moves keyboard focus to
// its finding in the list and scrolls only that list, so the text stays where the reader is.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a.hl, a.pin");
  if (!link) return;
  var entry = document.getElementById("f-" + link.dataset.finding);
  if (!entry) return;
  event.preventDefault();
  document.querySelectorAll(".finding.current, a.hl.current").forEach(function (el) { el.classList.remove("current"); });
  entry.classList.add("current");
  link.classList.add("current");
  history.replaceState(null, "", "#f-" + link.dataset.finding);
  entry.scrollIntoView({ block: "nearest" });
  entry.focus({ preventScroll: true });
});
