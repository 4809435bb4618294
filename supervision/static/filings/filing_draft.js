// Keep an unsent copy of the filing form in this browser, so a lost connection loses nothing.
// The copy is restored only if it is newer than the draft the server last saved (data-saved-at).
(function () {
  "use strict";
  var form = document.getElementById("filing-form");
  if (!form || !window.localStorage) return;
  var key = "supervision:" + form.dataset.draftKey;
  var savedAt = Date.parse(form.dataset.savedAt || "") || 0;
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit";
    });
  }
  try {
    var copy = JSON.parse(localStorage.getItem(key) || "null");
    if (copy && copy.at > savedAt) {
      fields().forEach(function (el) {
        if (!(el.name in copy.values)) return;
        if (el.type === "checkbox" || el.type === "radio") el.checked = copy.values[el.name] === el.value;
        else el.value = copy.values[el.name];
      });
    } else if (copy) {
      localStorage.removeItem(key);
    }
  } catch (e) { localStorage.removeItem(key); }
  form.addEventListener("input", function () {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values[el.name] = el.value; }
      else values[el.name] = el.value;
    });
    try { localStorage.setItem(key, JSON.stringify({at: Date.now(), values: values})); } catch (e) { /* full */ }
  });
})();
