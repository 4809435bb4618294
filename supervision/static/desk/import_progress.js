// The import job page: follows the job's progress until it ends, then reloads (a static file: the
// Content-Security-Policy allows no inline script).
(function () {
  var bar = document.getElementById("import-progress");
  if (!bar || bar.dataset.active !== "true") { return; }
  var count = document.getElementById("import-count");
  var status = document.getElementById("import-status");
  function poll() {
    if (!document.body.contains(bar)) { return; }  // the user has moved on
    fetch(bar.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.total) { bar.max = data.total; bar.value = data.processed; }
        count.textContent = data.processed + " / " + data.total;
        status.textContent = data.status_label;
        if (data.active) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
