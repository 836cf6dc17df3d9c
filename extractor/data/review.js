// The review page's behaviour: filters, decisions kept in the browser, and their download.
// Every text from the PDF is already escaped in the HTML; this script only reads
// attributes and form values and writes with textContent, never with innerHTML.
(function () {
  "use strict";
  var body = document.body;
  var sha256 = body.getAttribute("data-sha256");
  var storageKey = "extractor-review:" + sha256;
  var items = Array.prototype.slice.call(document.querySelectorAll("article.item"));
  var filters = document.getElementById("filters");
  var counter = document.getElementById("shown-count");

  function saved() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}"); }
    catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* file:// without storage */ }
  }

  function decisionOf(item) {
    var checked = item.querySelector(".decision input[type=radio]:checked");
    var comment = item.querySelector(".decision textarea").value;
    return { status: checked ? checked.value : "pending", comment: comment };
  }

  function setDecision(item, status, comment) {
    var radio = item.querySelector('.decision input[type=radio][value="' + status + '"]');
    if (radio) { radio.checked = true; }
    item.querySelector(".decision textarea").value = comment || "";
    item.setAttribute("data-status", status);
  }

  function collect() {
    var state = {};
    items.forEach(function (item) {
      var d = decisionOf(item);
      state[item.getAttribute("data-id")] = d;
    });
    return state;
  }

  function applyFilters() {
    var types = {};
    filters.querySelectorAll("input[name=type]").forEach(function (box) { types[box.value] = box.checked; });
    var page = filters.querySelector("select[name=page]").value;
    var status = filters.querySelector("select[name=status]").value;
    var shown = 0;
    items.forEach(function (item) {
      var visible = types[item.getAttribute("data-type")] === true &&
        (page === "" || item.getAttribute("data-page") === page) &&
        (status === "" || item.getAttribute("data-status") === status);
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll("section.page").forEach(function (section) {
      section.hidden = section.querySelector("article.item:not([hidden])") === null;
    });
    counter.textContent = String(shown);
  }

  function download() {
    var state = collect();
    var decisions = [];
    items.forEach(function (item) {
      var id = item.getAttribute("data-id");
      var d = state[id];
      var had = item.hasAttribute("data-initial-status");
      if (d.status !== "pending" || d.comment !== "" || had) {
        decisions.push({ id: id, status: d.status, comment: d.comment === "" ? null : d.comment });
      }
    });
    var reviewer = document.getElementById("reviewer").value.trim();
    var doc = {
      schema_version: body.getAttribute("data-review-schema-version"),
      source: { file: body.getAttribute("data-file"), sha256: sha256 },
      reviewer: reviewer === "" ? null : reviewer,
      created: new Date().toISOString(),
      decisions: decisions
    };
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = body.getAttribute("data-decisions-file");
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    document.getElementById("download-status").textContent =
      decisions.length + " decision(s) downloaded as " + link.download;
  }

  var stored = saved();
  items.forEach(function (item) {
    var id = item.getAttribute("data-id");
    var initial = stored[id] || {
      status: item.getAttribute("data-initial-status") || "pending",
      comment: item.getAttribute("data-initial-comment") || ""
    };
    setDecision(item, initial.status, initial.comment);
    item.querySelector(".decision").addEventListener("input", function () {
      item.setAttribute("data-status", decisionOf(item).status);
      save(collect());
      applyFilters();
    });
  });
  filters.addEventListener("input", applyFilters);
  filters.addEventListener("change", applyFilters);
  filters.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("download").addEventListener("click", download);
  applyFilters();
  body.setAttribute("data-ready", "true");
})();
