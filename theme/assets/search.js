/* Search over the prebuilt index (assets/search-index.js): substring matching, so Chinese
   words and single characters are found without a word segmenter. Works from file://. */
(function () {
  "use strict";
  var index = window.SCOREBOARD_SEARCH || [];
  var KIND = 0, TITLE = 1, URL = 2, TEXT = 3;
  var form = document.querySelector(".search-page");
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var LIMIT = 100;

  function normalize(text) { return text.toLowerCase().replace(/\s+/g, " ").trim(); }
  var haystacks = index.map(function (e) { return normalize(e[TITLE] + " " + e[TEXT]); });

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

  function search(raw) {
    var terms = normalize(raw).split(" ").filter(Boolean);
    list.textContent = "";
    if (!terms.length) { status.textContent = "请输入要搜索的文字。"; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var hay = haystacks[i], ok = true;
      for (var t = 0; t < terms.length; t++) { if (hay.indexOf(terms[t]) < 0) { ok = false; break; } }
      if (ok) hits.push(i);
    }
    // Titles that match rank first; otherwise the index order (newest year, counties first).
    hits.sort(function (a, b) {
      var ta = normalize(index[a][TITLE]).indexOf(terms[0]) >= 0 ? 0 : 1;
      var tb = normalize(index[b][TITLE]).indexOf(terms[0]) >= 0 ? 0 : 1;
      return ta - tb || a - b;
    });
    status.textContent = hits.length ? "找到 " + hits.length + " 条结果" + (hits.length > LIMIT ? "，显示前 " + LIMIT + " 条" : "") + "。"
                                     : "没有找到“" + raw + "”。";
    hits.slice(0, LIMIT).forEach(function (i) {
      var entry = index[i];
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry[KIND];
      var link = document.createElement("a");
      link.href = entry[URL];
      link.textContent = entry[TITLE];
      var text = document.createElement("span");
      text.className = "snippet";
      text.appendChild(snippet(entry[TEXT], terms[0]));
      li.appendChild(kind); li.appendChild(link); li.appendChild(text);
      list.appendChild(li);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  if (query) search(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    try { history.replaceState(null, "", url.toString()); } catch (e) { /* file:// in some browsers */ }
  });
  input.focus();
})();
