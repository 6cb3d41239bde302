// psysim report: the dataset browser and figure downloads. Plain script, no libraries, no
// network. Every text from the data goes in through textContent, never as HTML.
(function () {
  "use strict";
  var source = document.getElementById("psysim-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var ui = data.ui;
  var PAGE = 50;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props)
      Object.keys(props).forEach(function (k) {
        if (k === "text") node.textContent = props[k];
        else if (k === "className") node.className = props[k];
        else node.setAttribute(k, props[k]);
      });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined)
        node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function byId(id) {
    return document.getElementById(id);
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) {
      return k in values ? String(values[k]) : "{" + k + "}";
    });
  }
  function number(input) {
    var v = input.value.trim();
    return v === "" ? null : Number(v);
  }
  function format(value) {
    if (value === null || value === undefined) return "–";
    return Number.isInteger(value) ? String(value) : value.toFixed(3);
  }

  // Figure downloads: the inline SVG as a file, so a figure can go straight into a paper.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-svg]"), function (button) {
    button.addEventListener("click", function () {
      var svg = byId(button.getAttribute("data-svg")).querySelector("svg");
      var blob = new Blob([new XMLSerializer().serializeToString(svg)], { type: "image/svg+xml" });
      var link = el("a", {
        href: URL.createObjectURL(blob),
        download: button.getAttribute("data-name") + ".svg",
      });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
      }, 1000);
    });
  });
  // Printing opens every "how this was computed" box, so the PDF carries the provenance.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details.provenance"), function (d) {
      d.open = true;
    });
  });

  var browser = byId("browser");
  if (!browser) return;
  var sessions = [];
  data.datasets.forEach(function (d, di) {
    d.sessions.forEach(function (s, i) {
      sessions.push({ di: di, i: i, s: s });
    });
  });
  var form = byId("browser-filters");
  var fields = {
    dataset: byId("f-dataset"),
    language: byId("f-language"),
    ended: byId("f-ended"),
    turnsMin: byId("f-turns-min"),
    turnsMax: byId("f-turns-max"),
    rejMin: byId("f-rej-min"),
    metric: byId("f-metric"),
    metricMin: byId("f-metric-min"),
    metricMax: byId("f-metric-max"),
    search: byId("f-search"),
  };
  var state = { rows: sessions, page: 0, selected: null };

  // The dialogues' text follows this script in the page, so the list is on screen before the
  // parser has read it; anything that needs a turn waits for the end of parsing.
  var parsed = document.readyState !== "loading";
  var waiting = [];
  function whenParsed(f) {
    if (parsed) f();
    else waiting.push(f);
  }
  document.addEventListener("DOMContentLoaded", function () {
    parsed = true;
    waiting.splice(0).forEach(function (f) {
      f();
    });
  });
  var dialogues = null;
  function turnsOf(row) {
    if (dialogues === null) dialogues = JSON.parse(byId("psysim-dialogues").textContent);
    return dialogues[row.di][row.i];
  }

  // Search index: every session's lower-cased text in one string, sessions separated by
  // U+0000, with each session's start. One native indexOf scan per query, jumping to the next
  // session after a hit, instead of one call per session; built once, when the page is idle.
  var corpus = null;
  var starts = null;
  function buildIndex() {
    if (corpus !== null) return;
    var started = performance.now();
    var parts = new Array(sessions.length);
    starts = new Int32Array(sessions.length + 1);
    var at = 0;
    for (var k = 0; k < sessions.length; k++) {
      var turns = turnsOf(sessions[k]);
      var text = sessions[k].s.id;
      for (var j = 0; j < turns.length; j++) text += "\n" + turns[j][1];
      // Lower-cased one session at a time: a few letters lower-case to two code units, which
      // would shift offsets computed on the whole string.
      text = text.toLowerCase();
      parts[k] = text;
      starts[k] = at;
      at += text.length + 1;
    }
    starts[sessions.length] = at;
    corpus = parts.join("\u0000");
    browser.setAttribute("data-index-ms", (performance.now() - started).toFixed(1));
  }
  function sessionAt(pos) {
    var lo = 0,
      hi = sessions.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  var lastQuery = null;
  var lastHits = null;
  function searchHits(query) {
    if (query === lastQuery) return lastHits;
    buildIndex();
    var hits = new Uint8Array(sessions.length);
    var pos = corpus.indexOf(query);
    while (pos !== -1) {
      var k = sessionAt(pos);
      hits[k] = 1;
      pos = corpus.indexOf(query, starts[k + 1]);
    }
    lastQuery = query;
    lastHits = hits;
    return hits;
  }

  function apply() {
    var started = performance.now();
    var f = {
      dataset: fields.dataset.value,
      language: fields.language.value,
      ended: fields.ended.value,
      turnsMin: number(fields.turnsMin),
      turnsMax: number(fields.turnsMax),
      rejMin: number(fields.rejMin),
      metric: fields.metric.value,
      metricMin: number(fields.metricMin),
      metricMax: number(fields.metricMax),
      search: fields.search.value.trim().toLowerCase(),
    };
    if (f.search !== "" && !parsed) {
      whenParsed(apply);
      return;
    }
    var hits = f.search === "" ? null : searchHits(f.search);
    state.rows = sessions.filter(function (row, k) {
      var s = row.s;
      if (f.dataset !== "" && String(row.di) !== f.dataset) return false;
      if (f.language !== "" && s.lang !== f.language) return false;
      if (f.ended !== "" && s.ended !== f.ended) return false;
      if (f.turnsMin !== null && s.turns < f.turnsMin) return false;
      if (f.turnsMax !== null && s.turns > f.turnsMax) return false;
      if (f.rejMin !== null && s.rej < f.rejMin) return false;
      if (f.metric !== "") {
        var v = s.m[f.metric];
        if (v === undefined || v === null) return false;
        if (f.metricMin !== null && v < f.metricMin) return false;
        if (f.metricMax !== null && v > f.metricMax) return false;
      }
      if (hits !== null && hits[k] === 0) return false;
      return true;
    });
    state.page = 0;
    render();
    browser.setAttribute("data-filter-ms", (performance.now() - started).toFixed(1));
  }

  function render() {
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
    var metric = fields.metric.value;
    var body = el("tbody");
    state.rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (row) {
      var s = row.s;
      var tr = el("tr", { tabindex: "0", "aria-selected": String(state.selected === row) }, [
        el("td", { text: s.id }),
        el("td", { text: data.datasets[row.di].name }),
        el("td", { text: s.lang }),
        el("td", { className: "num", text: String(s.turns) }),
        el("td", { text: s.ended }),
        el("td", { className: "num", text: String(s.rej) }),
        el("td", { className: "num", text: metric === "" ? "" : format(s.m[metric]) }),
      ]);
      function open() {
        state.selected = row;
        render();
        showSession(row);
      }
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
      body.appendChild(tr);
    });
    var table = byId("sessions-table");
    table.replaceChild(body, table.tBodies[0]);
    byId("metric-head").textContent =
      metric === "" ? "" : fields.metric.options[fields.metric.selectedIndex].text;
    byId("result-count").textContent = fill(ui.found, {
      n: state.rows.length,
      total: sessions.length,
    });
    byId("page-label").textContent = fill(ui.page, { page: state.page + 1, pages: pages });
    byId("page-prev").disabled = state.page === 0;
    byId("page-next").disabled = state.page >= pages - 1;
  }

  function dialogueList(turns) {
    var list = el("ol", { className: "dialogue" });
    turns.forEach(function (turn) {
      var item = el("li", { className: turn[0] }, [
        el("span", { className: "who", text: turn[0] === "client" ? ui.client : ui.counselor }),
        el("span", { className: "text", text: turn[1] }),
      ]);
      if (turn[2] && turn[2].length) {
        var rejected = el("details", { className: "rejected" }, [
          el("summary", { text: fill(ui.rejectedN, { n: turn[2].length }) }),
        ]);
        turn[2].forEach(function (r) {
          rejected.appendChild(el("blockquote", { text: r[0] }));
          rejected.appendChild(
            el("div", { className: "note", text: ui.reasons + ": " + r[1].join("; ") }),
          );
        });
        item.appendChild(rejected);
      }
      list.appendChild(item);
    });
    return list;
  }

  function cardBlock(session) {
    var text = session.card !== null ? data.cards[session.card] : undefined;
    return el("section", null, [
      el("h4", { text: ui.card + (session.card !== null ? " " + session.card : "") }),
      text !== undefined
        ? el("div", { className: "card-text", text: text })
        : el("p", { className: "missing", text: ui.noCard }),
    ]);
  }

  function showSession(row) {
    whenParsed(function () {
      drawSession(row);
    });
  }
  function drawSession(row) {
    var s = row.s;
    var view = byId("session-view");
    view.replaceChildren(
      el("div", { className: "view-head" }, [
        el("h3", { text: s.id + " · " + data.datasets[row.di].name }),
        el("span", {
          className: "note",
          text: [
            s.lang,
            fill(ui.turnsN, { n: s.turns }),
            ui.endedByShort + " " + s.ended,
            fill(ui.rejectedN, { n: s.rej }),
          ].join(" · "),
        }),
      ]),
      el("div", { className: "pair" }, [
        cardBlock(s),
        el("section", null, [el("h4", { text: ui.dialogue }), dialogueList(turnsOf(row))]),
      ]),
    );
    view.hidden = false;
    view.scrollIntoView({ block: "nearest" });
  }

  // Side by side (Figure 5): two datasets' sessions simulated from the same card.
  var compareA = byId("c-a"),
    compareB = byId("c-b"),
    compareCard = byId("c-card");
  function firstOnCard(di, card) {
    var list = data.datasets[di].sessions;
    for (var i = 0; i < list.length; i++)
      if (list[i].card === card) return { di: di, i: i, s: list[i] };
    return null;
  }
  function sharedCards() {
    var a = Number(compareA.value),
      b = Number(compareB.value);
    var inB = {};
    data.datasets[b].sessions.forEach(function (s) {
      if (s.card !== null) inB[s.card] = true;
    });
    var seen = {},
      out = [];
    data.datasets[a].sessions.forEach(function (s) {
      if (s.card !== null && inB[s.card] && !seen[s.card]) {
        seen[s.card] = true;
        out.push(s.card);
      }
    });
    return out;
  }
  function refreshCards() {
    var cards = sharedCards();
    compareCard.replaceChildren.apply(
      compareCard,
      cards.map(function (c) {
        return el("option", { value: c, text: c });
      }),
    );
    byId("c-none").hidden = cards.length > 0;
    showCompare();
  }
  function showCompare() {
    whenParsed(drawCompare);
  }
  function drawCompare() {
    var view = byId("compare-view");
    var card = compareCard.value;
    if (!card) {
      view.replaceChildren();
      return;
    }
    var columns = [Number(compareA.value), Number(compareB.value)].map(function (di) {
      var row = firstOnCard(di, card);
      return el("section", null, [
        el("h4", { text: data.datasets[di].name + " · " + row.s.id }),
        dialogueList(turnsOf(row)),
      ]);
    });
    var first = firstOnCard(Number(compareA.value), card);
    view.replaceChildren(cardBlock(first.s), el("div", { className: "pair" }, columns));
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    apply();
  });
  form.addEventListener("change", apply);
  var timer = null;
  fields.search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, 200);
  });
  byId("page-prev").addEventListener("click", function () {
    state.page -= 1;
    render();
  });
  byId("page-next").addEventListener("click", function () {
    state.page += 1;
    render();
  });
  if (compareA && data.datasets.length > 1) {
    compareA.addEventListener("change", refreshCards);
    compareB.addEventListener("change", refreshCards);
    compareCard.addEventListener("change", showCompare);
    refreshCards();
  }
  apply();
  browser.setAttribute("data-ready", "true");
  browser.setAttribute("data-ready-ms", performance.now().toFixed(1));
  // Build the search index once the page is parsed and idle, so the first search is as quick as the next.
  whenParsed(function () {
    (window.requestIdleCallback || setTimeout)(function () {
      buildIndex();
      browser.setAttribute("data-index-ready", "true");
    });
  });
})();
