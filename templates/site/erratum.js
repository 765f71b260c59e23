// Erratum's offline site: search as you type, from an index shipped as a script (a fetch()
// of JSON fails under file://). Without JavaScript the search box stays a link to the
// plain index of every page.
// A code block wider than its box scrolls: it takes the keyboard focus then, so that it can be
// scrolled without a mouse (and only then, so that it adds no useless stop to the tab order).
(function () {
  "use strict";
  function focusable() {
    document.querySelectorAll("pre").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth) {
        pre.tabIndex = 0;
      } else {
        pre.removeAttribute("tabindex");
      }
    });
  }
  focusable();
  var waiting = null;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(focusable, 150);
  });
})();

(function () {
  "use strict";
  var body = document.body;
  var root = body.getAttribute("data-root") || "";
  var locale = body.getAttribute("data-locale") || "";
  var box = document.querySelector(".search");
  if (!box) return;
  var link = box.querySelector(".search-link");
  var input = document.createElement("input");
  input.type = "search";
  input.name = "q";
  input.autocomplete = "off";
  input.placeholder = box.getAttribute("data-placeholder") || "";
  input.setAttribute("aria-label", input.placeholder);
  input.setAttribute("aria-controls", "search-results");
  var results = document.createElement("ol");
  results.id = "search-results";
  results.className = "search-results";
  results.hidden = true;
  box.appendChild(input);
  box.appendChild(results);
  if (link) link.hidden = true;

  var loading = false;
  function index() {
    var all = window.erratumSearch || {};
    return all[locale];
  }
  function load(then) {
    if (index()) return then();
    if (loading) return;
    loading = true;
    var script = document.createElement("script");
    script.src = body.getAttribute("data-search-index");
    script.onload = function () { loading = false; then(); };
    document.head.appendChild(script);
  }
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function search(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var found = [];
    var entries = index() || [];
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      var title = entry[3] || (entry[3] = fold(entry[0]));
      var summary = entry[4] || (entry[4] = fold(entry[1]));
      var score = 0;
      for (var t = 0; t < terms.length; t++) {
        if (title.indexOf(terms[t]) >= 0) score += 10;
        else if (summary.indexOf(terms[t]) >= 0) score += 1;
        else { score = 0; break; }
      }
      if (score) found.push([score, entry]);
    }
    found.sort(function (a, b) { return b[0] - a[0] || a[1][0].length - b[1][0].length; });
    return found.slice(0, 20).map(function (hit) { return hit[1]; });
  }
  function show(query) {
    results.textContent = "";
    if (!query.trim()) { results.hidden = true; return; }
    var hits = search(query);
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = box.getAttribute("data-none") || "";
      results.appendChild(none);
    }
    hits.forEach(function (entry) {
      var item = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + entry[2];
      a.textContent = entry[0];
      var summary = document.createElement("small");
      summary.textContent = entry[1];
      item.appendChild(a);
      item.appendChild(summary);
      results.appendChild(item);
    });
    results.hidden = false;
  }
  input.addEventListener("input", function () {
    var query = input.value;
    load(function () { show(query === input.value ? query : input.value); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var first = results.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (event.key === "Escape") {
      input.value = "";
      show("");
    } else if (event.key === "ArrowDown") {
      var top = results.querySelector("a");
      if (top) { event.preventDefault(); top.focus(); }
    }
  });
  // In the results: the arrow keys move from one to the next (up from the first goes back to
  // the box), Enter opens one (a link's own), Escape closes them and returns to the box.
  results.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(results.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at >= 0) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      results.hidden = true;
      input.focus();
    }
  });
  // For a console or a benchmark: erratum.search("words") returns the entries it would list.
  window.erratum = { search: function (query) { return search(query); } };

  // The index page takes a query from its address: search/index.html?q=…
  var match = /[?&]q=([^&]*)/.exec(window.location.search);
  if (match) {
    input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    load(function () { show(input.value); });
  }
})();
