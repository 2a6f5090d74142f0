/* Search over prebuilt indexes (assets/search/<year>.js and pages.js): substring matching,
   so Chinese words and single characters are found without a word segmenter. Each year's
   index is a script loaded when that year is searched, which works from file:// too. */
(function () {
  "use strict";
  var KIND = 0, TITLE = 1, URL = 2, TEXT = 3, LIMIT = 100;
  var root = document.currentScript.getAttribute("data-root") || ".";
  var form = document.querySelector(".search-page");
  var input = document.getElementById("q");
  var yearSelect = document.getElementById("year");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var indexes = window.SCOREBOARD_SEARCH = window.SCOREBOARD_SEARCH || {};
  var haystacks = {};

  function normalize(text) { return text.toLowerCase().replace(/\s+/g, " ").trim(); }

  function load(key, done) {
    if (indexes[key]) { done(); return; }
    var script = document.createElement("script");
    script.src = root + "/assets/search/" + key + ".js";
    script.onload = done;
    script.onerror = function () { status.textContent = "无法载入" + key + "年度的搜索索引。"; };
    document.head.appendChild(script);
  }

  function entriesOf(key) {
    if (!haystacks[key]) {
      haystacks[key] = (indexes[key] || []).map(function (e) { return normalize(e[TITLE] + " " + e[TEXT]); });
    }
    return haystacks[key];
  }

  function snippet(text, query) {
    var at = text.toLowerCase().indexOf(query);
    if (at < 0) return document.createTextNode(text.slice(0, 60));
    var start = Math.max(0, at - 24), end = Math.min(text.length, at + query.length + 36);
    var span = document.createElement("span");
    span.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + query.length);
    span.appendChild(mark);
    span.appendChild(document.createTextNode(text.slice(at + query.length, end) + (end < text.length ? "…" : "")));
    return span;
  }

  function show(raw, keys) {
    var terms = normalize(raw).split(" ").filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = "请输入要搜索的文字。"; return; }
    var hits = [];
    keys.forEach(function (key) {
      var entries = indexes[key] || [], hay = entriesOf(key);
      for (var i = 0; i < entries.length; i++) {
        var ok = true;
        for (var t = 0; t < terms.length; t++) { if (hay[i].indexOf(terms[t]) < 0) { ok = false; break; } }
        if (ok) hits.push(entries[i]);
      }
    });
    // Titles that match come first; otherwise the index order (counties, criteria, notes).
    var order = hits.map(function (e, i) { return [normalize(e[TITLE]).indexOf(terms[0]) >= 0 ? 0 : 1, i, e]; });
    order.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    status.textContent = hits.length ? "找到 " + hits.length + " 条结果" + (hits.length > LIMIT ? "，显示前 " + LIMIT + " 条" : "") + "。"
                                     : "没有找到“" + raw + "”。";
    order.slice(0, LIMIT).forEach(function (o) {
      var entry = o[2];
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry[KIND];
      var link = document.createElement("a");
      link.href = root + "/" + entry[URL];
      link.textContent = entry[TITLE];
      var text = document.createElement("span");
      text.className = "snippet";
      text.appendChild(snippet(entry[TEXT], terms[0]));
      li.appendChild(kind); li.appendChild(link); li.appendChild(text);
      list.appendChild(li);
    });
  }

  function search(raw) {
    var year = yearSelect.value;
    var keys = year === "all"
      ? Array.prototype.map.call(yearSelect.options, function (o) { return o.value; }).filter(function (v) { return v !== "all"; })
      : [year];
    var pending = keys.length;
    status.textContent = "正在搜索…";
    keys.forEach(function (key) {
      load(key, function () { if (--pending === 0) show(raw, keys.concat(["pages"])); });
    });
  }

  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  if (params.get("year")) yearSelect.value = params.get("year");
  input.value = query;
  if (query) search(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    url.searchParams.set("year", yearSelect.value);
    try { history.replaceState(null, "", url.toString()); } catch (e) { /* some browsers refuse on file:// */ }
  });
  input.focus();
})();
