// The desk's small behaviours that Viewflow's templates write as inline handlers, which the
// Content-Security-Policy blocks (no inline scripts): the "Back" buttons of the confirmation pages
// (onclick="window.history.back(-1)..."). One listener on the document, so Turbo's page changes keep it.
(function () {
  if (window.deskBehaviours) { return; }
  window.deskBehaviours = true;
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[onclick*='history.back']");
    if (!link) { return; }
    event.preventDefault();
    window.history.back();
    // The assign/unassign pages then reload the list they came from, as their handler does.
    if (link.getAttribute("onclick").indexOf("Turbo.visit") !== -1 && window.Turbo) {
      setTimeout(function () { window.Turbo.visit("."); }, 100);
    }
  });
})();
