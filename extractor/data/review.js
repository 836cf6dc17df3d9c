// The review page's behaviour: filters and search, the selected item and its page picture
// (boxes and items select each other; j/k move, a/r/u decide), decisions kept in the
// browser, and their download.
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

  function pageText(item) {
    var section = item.closest("section.page");
    var text = section && section.querySelector(".page-text");
    return text ? text.textContent : "";
  }

  function applyFilters() {
    var types = {};
    filters.querySelectorAll("input[name=type]").forEach(function (box) { types[box.value] = box.checked; });
    var value = function (name) { return filters.querySelector("[name=" + name + "]").value; };
    var page = value("page"), status = value("status"), kind = value("kind");
    var hedged = value("hedged"), currency = value("currency");
    var query = value("q").trim().toLowerCase();
    var shown = 0;
    items.forEach(function (item) {
      var attr = function (name) { return item.getAttribute("data-" + name); };
      var visible = types[attr("type")] === true &&
        (page === "" || attr("page") === page) &&
        (status === "" || attr("status") === status) &&
        (kind === "" || attr("kind") === kind) &&
        (hedged === "" || attr("hedged") === hedged) &&
        (currency === "" || attr("currency") === currency) &&
        (query === "" || item.textContent.toLowerCase().indexOf(query) !== -1 ||
          pageText(item).toLowerCase().indexOf(query) !== -1);
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll("section.page").forEach(function (section) {
      section.hidden = section.querySelector("article.item:not([hidden])") === null;
    });
    document.querySelectorAll("rect.box").forEach(function (rect) {
      var item = byId[rect.getAttribute("data-id")];
      rect.classList.toggle("filtered", !item || item.hidden);
    });
    counter.textContent = String(shown);
  }

  // The selected item: emphasised in the list and on its page's picture, which is shown
  // (its image decoded the first time) while the other pages' pictures are hidden.
  var byId = {};
  items.forEach(function (item) { byId[item.getAttribute("data-id")] = item; });
  var selected = null;

  function showPage(index) {
    document.querySelectorAll("figure.page-view").forEach(function (view) {
      var here = view.getAttribute("data-page") === index;
      view.hidden = !here;
      var image = view.querySelector("image");
      if (here && image && !image.getAttribute("href")) {
        image.setAttribute("href", image.getAttribute("data-src"));
      }
    });
  }

  function select(item, scroll) {
    if (!item) { return; }
    if (selected) { selected.classList.remove("selected"); }
    selected = item;
    item.classList.add("selected");
    body.setAttribute("data-selected", item.getAttribute("data-id"));
    showPage(item.getAttribute("data-page"));
    document.querySelectorAll("rect.box").forEach(function (rect) {
      rect.classList.toggle("selected", rect.getAttribute("data-id") === item.getAttribute("data-id"));
    });
    if (scroll) { item.scrollIntoView({ block: "nearest" }); }
    item.focus({ preventScroll: !scroll });
  }

  function step(by) {
    var visible = items.filter(function (item) { return !item.hidden; });
    if (visible.length === 0) { return; }
    var at = visible.indexOf(selected);
    var next = at === -1 ? (by > 0 ? 0 : visible.length - 1) : Math.min(Math.max(at + by, 0), visible.length - 1);
    select(visible[next], true);
  }

  function decide(status) {
    if (!selected) { return; }
    setDecision(selected, status, decisionOf(selected).comment);
    save(collect());
    applyFilters();
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

  items.forEach(function (item) {
    item.addEventListener("click", function (event) {
      if (!event.target.closest("input, textarea, a, button, summary")) { select(item, false); }
    });
  });
  document.querySelectorAll("rect.box").forEach(function (rect) {
    rect.addEventListener("click", function () { select(byId[rect.getAttribute("data-id")], true); });
  });
  document.querySelectorAll("rect.bar").forEach(function (bar) {
    bar.addEventListener("click", function () {
      filters.querySelector("[name=page]").value = bar.getAttribute("data-page");
      filters.querySelector("[name=currency]").value = bar.getAttribute("data-currency");
      filters.querySelector("input[name=type][value=cost]").checked = true;
      applyFilters();
      step(1);
    });
  });
  var keys = { j: function () { step(1); }, k: function () { step(-1); },
    a: function () { decide("accepted"); }, r: function () { decide("rejected"); },
    u: function () { decide("pending"); } };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.closest && event.target.closest("input, textarea, select")) { return; }
    var action = keys[event.key];
    if (action) { event.preventDefault(); action(); }
  });
  // The picture stays in view below the (sticky) header, whatever height that has.
  function placeViewer() {
    var viewer = document.getElementById("viewer");
    var header = document.querySelector("header");
    if (viewer && header) {
      viewer.style.top = (header.offsetHeight + 8) + "px";
      viewer.style.maxHeight = "calc(100vh - " + (header.offsetHeight + 16) + "px)";
    }
  }
  window.addEventListener("resize", placeViewer);
  placeViewer();
  applyFilters();
  body.setAttribute("data-ready", "true");
})();
