// Search as you type, in the box of the page's header (form[data-gw-search]).
// Nothing is fetched until the box has focus; then the index's manifest, and
// per query the shards its words need and the fragments of the results shown
// (the formats and the query are described in docs/theming.md, "Search").
// Text from the index is inserted as text nodes only. Without this script the
// form goes to the A–Z page. No inline script: the Content-Security-Policy
// allows this file only.
(function () {
  "use strict";

  var PAGE = 8;
  var MAX_WORDS = 8;
  var MAX_TERMS = 64;
  var WIDE = 60000;
  var SNIPPET = 160;
  var BEFORE = 50;
  var LETTER = /[\p{Alphabetic}\p{N}]/u;
  var SPACE = /\p{White_Space}+/u;

  function chars(s) { return Array.from(s); }
  function cut(s, n) { var c = chars(s); return c.length > n ? c.slice(0, n).join("") : s; }
  function norm(s) { return String(s).normalize("NFKC").toLowerCase(); }

  /* Code point order, as Rust compares strings (byte order of UTF-8). */
  function byCodePoint(a, b) {
    var x = chars(a), y = chars(b), n = Math.min(x.length, y.length), i, d;
    for (i = 0; i < n; i++) {
      d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  function hex(s) {
    var bytes = new TextEncoder().encode(s), out = "", i;
    for (i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  /* Text -> words, as the index's are made (src/search/words.rs): a run of
     letters, marks, numbers and zero-width (non-)joiners is a word, unless it
     holds a letter of a script written without spaces, which the browser's word
     segmenter cuts (without one, the run stays whole). Only words with a letter
     or number. */
  var RUN = /[\p{L}\p{M}\p{N}\u200C\u200D]+/gu;
  var UNSPACED = /[\u0E00-\u0EFF\u1000-\u109F\uA9E0-\uA9FF\uAA60-\uAA7F\u1780-\u17FF\u19E0-\u19FF\u3040-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FFFF}]/u;
  function segmenter(lang) {
    var seg = null;
    try {
      if (typeof Intl === "object" && Intl.Segmenter) seg = new Intl.Segmenter(lang, { granularity: "word" });
    } catch (e) { seg = null; }
    return function (text) {
      var out = [], m, run;
      RUN.lastIndex = 0;
      while ((m = RUN.exec(text))) {
        run = m[0];
        if (!LETTER.test(run)) continue;
        if (seg && UNSPACED.test(run)) {
          for (var s of seg.segment(run)) if (LETTER.test(s.segment)) out.push({ word: s.segment, at: m.index + s.index });
        } else out.push({ word: run, at: m.index });
      }
      return out;
    };
  }

  /* Text in the form the segmenters' dictionaries know: Lao ຫນ, ຫມ and ໍາ, and
     Thai ํา, as the single letters ໜ, ໝ, ຳ and ำ (NFKC writes them as two). */
  var PAIRS = [["\u0EAB\u0E99", "\u0EDC"], ["\u0EAB\u0EA1", "\u0EDD"], ["\u0ECD\u0EB2", "\u0EB3"], ["\u0E4D\u0E32", "\u0E33"]];
  function dictionaryForm(text) {
    PAIRS.forEach(function (p) { text = text.split(p[0]).join(p[1]); });
    return text;
  }

  /* The query's runs: each with its words (segmented in the dictionaries' form,
     then each in NFKC, lower case, 64 chars) and, when it splits into several,
     the words joined as an alternative; 8 words at most. */
  function parseQuery(q, split) {
    var runs = [], total = 0, pieces, i, words, j;
    pieces = cut(norm(q), 256).split(SPACE);
    for (i = 0; i < pieces.length && total < MAX_WORDS; i++) {
      if (!pieces[i]) continue;
      words = [];
      var found = split(dictionaryForm(pieces[i]));
      for (j = 0; j < found.length && total < MAX_WORDS; j++) {
        words.push(cut(norm(found[j].word), 64));
        total++;
      }
      if (!words.length) continue;
      runs.push({ words: words, joined: words.length > 1 ? cut(words.join(""), 64) : null });
    }
    return runs;
  }

  /* The shards a word needs: keys that are a prefix of it (or it), and keys
     that extend it when those are small enough together. */
  function shardsFor(word, shards) {
    var prefix = [], longer = [], size = 0, i, key;
    for (i = 0; i < shards.length; i++) {
      key = shards[i][0];
      if (word.startsWith(key)) prefix.push(key);
      else if (key.startsWith(word)) { longer.push(key); size += shards[i][1]; }
    }
    return size <= WIDE ? prefix.concat(longer) : prefix;
  }

  function quality(t, w, stem) {
    if (t === w) return 1;
    if (t.startsWith(w)) return 0.6;
    if (stem && w.startsWith(t)) {
      var lt = chars(t).length;
      if (lt >= 3 && 2 * lt >= chars(w).length) return 0.8;
    }
    return 0;
  }

  /* A word's matching terms in `tables` ({t, c} objects), best 64: quality,
     then document frequency, then the term. */
  function matches(word, tables, stem) {
    var found = [], seen = new Set();
    tables.forEach(function (tab) {
      Object.keys(tab.t).forEach(function (term) {
        if (seen.has(term)) return;
        var q = quality(term, word, stem);
        if (!q) return;
        seen.add(term);
        var postings = tab.t[term];
        if (!Array.isArray(postings)) throw new TypeError("postings");
        var capped = tab.c && Object.prototype.hasOwnProperty.call(tab.c, term);
        var df = Math.max(1, capped ? Number(tab.c[term]) : Math.floor(postings.length / 2));
        found.push({ term: term, q: q, postings: postings, capped: capped, df: df });
      });
    });
    found.sort(function (a, b) { return b.q - a.q || b.df - a.df || byCodePoint(a.term, b.term); });
    return found.slice(0, MAX_TERMS);
  }

  /* A word's score per page: the best weight × quality × idf of its terms.
     `filters` is false when every term it matched was capped. */
  function scoreWord(terms, pages) {
    var scores = new Map(), filters = false;
    terms.forEach(function (m) {
      var idf = Math.log(1 + pages / m.df), id = 0, k, s;
      if (!m.capped) filters = true;
      for (k = 0; k + 1 < m.postings.length; k += 2) {
        id += m.postings[k];
        s = m.postings[k + 1] * m.q * idf;
        if (!(scores.get(id) >= s)) scores.set(id, s);
      }
    });
    return { scores: scores, filters: filters, none: terms.length === 0 };
  }

  /* AND over units ({scores, filters}): the pages every filtering unit has,
     scored by the sum; with no filtering unit, every page any unit has. */
  function combine(units) {
    var filtering = units.filter(function (u) { return u.filters; }), out = new Map();
    var base = filtering.length ? filtering[0].scores : null;
    var ids = new Set();
    if (base) base.forEach(function (_, id) { ids.add(id); });
    else units.forEach(function (u) { u.scores.forEach(function (_, id) { ids.add(id); }); });
    ids.forEach(function (id) {
      var total = 0, ok = true;
      units.forEach(function (u) {
        var s = u.scores.get(id);
        if (s === undefined) { if (u.filters) ok = false; } else total += s;
      });
      if (ok) out.set(id, total);
    });
    return { scores: out, filters: filtering.length > 0 };
  }

  /* A run of several words: its words together, or its joined text, whichever scores better. */
  function scoreRun(run, unitOf) {
    var words = run.words.map(unitOf);
    var apart = words.some(function (u) { return u.none; }) ? null : combine(words);
    if (!run.joined) return apart;
    var joined = unitOf(run.joined);
    if (joined.none) return apart;
    if (!apart) return joined;
    var out = new Map();
    apart.scores.forEach(function (s, id) { out.set(id, s); });
    joined.scores.forEach(function (s, id) { if (!(out.get(id) >= s)) out.set(id, s); });
    return { scores: out, filters: apart.filters && joined.filters };
  }

  /* The ranked ids: own language first, then score, then id. */
  function rank(runs, unitOf, own) {
    var units = [], i, u;
    for (i = 0; i < runs.length; i++) {
      u = scoreRun(runs[i], unitOf);
      if (!u) return [];
      units.push(u);
    }
    if (!units.length) return [];
    var hits = [];
    combine(units).scores.forEach(function (s, id) { hits.push({ id: id, score: s }); });
    hits.sort(function (a, b) {
      return ((a.id < own) === (b.id < own) ? 0 : a.id < own ? -1 : 1) || b.score - a.score || a.id - b.id;
    });
    return hits.map(function (h) { return h.id; });
  }

  function allWords(runs) {
    var out = [];
    runs.forEach(function (r) { out.push.apply(out, r.words); if (r.joined) out.push(r.joined); });
    return out;
  }

  function wordMatches(w, words) {
    for (var i = 0; i < words.length; i++) {
      var q = words[i];
      if (w === q) return true;
      if (chars(w).length >= 3 && chars(q).length >= 3 && (w.startsWith(q) || q.startsWith(w))) return true;
    }
    return false;
  }

  /* The words of `text` with their place ([from, to) in UTF-16 units) and
     whether they match a query word. */
  function found(text, words, split) {
    return split(text).map(function (s) {
      return { from: s.at, to: s.at + s.word.length, match: wordMatches(norm(s.word), words) };
    });
  }

  /* The range of `text` a snippet shows: from a word shortly before the first
     match to a word end about 160 characters later. */
  function span(text, list) {
    var count = function (a, b) { return chars(text.slice(a, b)).length; };
    var first = Math.max(0, list.findIndex(function (w) { return w.match; }));
    var s = first, e, start, end;
    while (s > 0 && count(list[s - 1].from, list[first].from) <= BEFORE) s--;
    start = s === 0 ? 0 : list[s].from;
    e = s;
    while (e + 1 < list.length && count(start, list[e + 1].to) <= SNIPPET) e++;
    if (e + 1 >= list.length && count(start, text.length) <= SNIPPET) end = text.length;
    else end = list[e] ? list[e].to : text.length;
    if (count(start, end) > SNIPPET) end = start + cut(text.slice(start), SNIPPET).length;
    return [start, end];
  }

  /* How many of the query's words `text` holds. */
  function count(text, words, split) {
    var page = split(text).map(function (s) { return norm(s.word); });
    return words.filter(function (q) {
      return page.some(function (w) { return wordMatches(w, [q]); });
    }).length;
  }

  /* The part holding the most of the query's words, a word in its heading
     counting twice (the first such part, else the first part): its anchor,
     heading, and about 160 characters of its text with the matches to mark. */
  function snippet(fragment, words, split) {
    var parts = Array.isArray(fragment.p) ? fragment.p : [], i, part = null, best = 0, score, list;
    for (i = 0; i < parts.length; i++) {
      score = 2 * count(String(parts[i][1] || ""), words, split) + count(String(parts[i][2] || ""), words, split);
      if (score > best) { best = score; part = parts[i]; }
    }
    part = part || parts[0] || ["", "", ""];
    var text = String(part[2] || "");
    list = found(text, words, split);
    var range = span(text, list), marks = [];
    list.forEach(function (w) {
      if (!w.match || w.to <= range[0] || w.from >= range[1]) return;
      var from = Math.max(w.from, range[0]) - range[0], to = Math.min(w.to, range[1]) - range[0];
      var last = marks[marks.length - 1];
      // Words written together (Lao) are marked as one.
      if (last && last[1] === from) last[1] = to;
      else marks.push([from, to]);
    });
    return {
      anchor: String(part[0] || ""),
      heading: String(part[1] || ""),
      // The part's languages when not the document's ("" when they are).
      textLang: String(part[3] || ""),
      headingLang: String(part[4] || ""),
      text: text.slice(range[0], range[1]),
      before: range[0] > 0,
      after: range[1] < text.length,
      marks: marks
    };
  }

  function Search(form) {
    this.form = form;
    this.input = form.querySelector('input[type="search"]');
    this.lang = form.getAttribute("data-lang") || document.documentElement.lang || "en";
    this.index = form.getAttribute("data-index") || "";
    this.root = form.getAttribute("data-root") || "";
    this.split = segmenter(this.lang);
    this.cache = new Map();
    this.seq = 0;
    this.ids = [];
    this.shown = 0;
    this.build();
  }

  Search.prototype.text = function (name) { return this.form.getAttribute("data-" + name) || ""; };

  Search.prototype.build = function () {
    var panel = document.createElement("div"), label = document.createElement("p");
    panel.className = "search-panel";
    panel.hidden = true;
    panel.setAttribute("role", "region");
    label.className = "search-count";
    label.id = "gw-search-count";
    panel.setAttribute("aria-labelledby", label.id);
    this.list = document.createElement("ul");
    this.list.className = "search-results";
    this.more = document.createElement("button");
    this.more.type = "button";
    this.more.className = "search-more";
    this.more.textContent = this.text("more");
    this.more.hidden = true;
    panel.append(label, this.list, this.more);
    this.status = document.createElement("p");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.form.append(panel, this.status);
    this.panel = panel;
    this.label = label;
    this.listen();
  };

  Search.prototype.listen = function () {
    var self = this, timer = 0;
    this.input.addEventListener("focus", function () {
      self.load().catch(function () { /* said when a query runs */ });
      if (self.input.value && self.list.firstChild && !self.dismissed) self.panel.hidden = false;
    });
    // Focus leaving the form hides the results (they come back with it).
    this.form.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !self.form.contains(e.relatedTarget)) self.panel.hidden = true;
    });
    this.input.addEventListener("input", function () {
      self.dismissed = false;
      clearTimeout(timer);
      timer = setTimeout(function () { self.run(); }, 120);
    });
    this.form.addEventListener("keydown", function (e) { self.key(e); });
    this.more.addEventListener("click", function () { self.showMore(true); });
  };

  Search.prototype.links = function () { return Array.prototype.slice.call(this.list.querySelectorAll("a")); };

  Search.prototype.key = function (e) {
    var links = this.links(), at = links.indexOf(document.activeElement);
    if (e.key === "Escape") {
      if (!this.panel.hidden) { this.close(); this.dismissed = true; }
      else if (e.target === this.input) this.input.value = "";
      this.input.focus();
      e.preventDefault();
    } else if (e.key === "ArrowDown" && links.length && (e.target === this.input || at >= 0)) {
      links[Math.min(at + 1, links.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && at >= 0) {
      (at === 0 ? this.input : links[at - 1]).focus();
      e.preventDefault();
    } else if (e.key === "Enter" && e.target === this.input && links.length && !this.panel.hidden) {
      e.preventDefault();
      links[0].click();
    }
  };

  Search.prototype.close = function () {
    this.panel.hidden = true;
    this.seq++;
  };

  Search.prototype.fetchJson = function (url) {
    var cached = this.cache.get(url);
    if (cached) return cached;
    var got;
    if (/\.enc$/.test(url)) {
      got = window.gangwaySeal && window.gangwaySeal.open
        ? window.gangwaySeal.open(url).then(function (bytes) { return JSON.parse(new TextDecoder("utf-8").decode(bytes)); })
        : Promise.reject(new Error("sealed"));
    } else {
      got = fetch(url, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      });
    }
    this.cache.set(url, got);
    return got;
  };

  /* The manifest, checked; a portal's single file serves as its own shard. */
  Search.prototype.load = function () {
    if (this.manifest) return this.manifest;
    var url = /\/$/.test(this.index) || this.index === "" ? this.index + "index.json" : this.index;
    this.manifest = this.fetchJson(url).then(function (m) {
      if (!m || typeof m !== "object" || typeof m.pages !== "number" || typeof m.own !== "number") throw new TypeError("manifest");
      if (m.t) {
        if (typeof m.t !== "object" || !Array.isArray(m.f)) throw new TypeError("manifest");
      } else if (!Array.isArray(m.shards)) {
        throw new TypeError("manifest");
      }
      return m;
    });
    return this.manifest;
  };

  Search.prototype.folder = function () { return this.index.replace(/[^/]*$/, ""); };

  Search.prototype.shard = function (key) {
    return this.fetchJson(this.folder() + "s/" + hex(key) + ".json").then(function (s) {
      if (!s || typeof s.t !== "object" || !s.t) throw new TypeError("shard");
      return s;
    });
  };

  /* Each word's matching terms, from the shards it needs (or the single file). */
  Search.prototype.terms = function (m, words) {
    var self = this, stem = m.stem && m.stem !== "none";
    return Promise.all(words.map(function (w) {
      if (m.t) return Promise.resolve([w, matches(w, [m], stem)]);
      return Promise.all(shardsFor(w, m.shards).map(function (k) { return self.shard(k); }))
        .then(function (tables) { return [w, matches(w, tables, stem)]; });
    })).then(function (pairs) {
      var units = new Map();
      pairs.forEach(function (p) { units.set(p[0], scoreWord(p[1], m.pages)); });
      return units;
    });
  };

  Search.prototype.run = function () {
    var self = this, seq = ++this.seq, q = this.input.value;
    var runs = parseQuery(q, this.split);
    if (!runs.length) { this.close(); this.say(""); return; }
    this.load().then(function (m) {
      return self.terms(m, allWords(runs)).then(function (units) {
        if (seq !== self.seq) return;
        self.m = m;
        self.words = allWords(runs);
        self.ids = rank(runs, function (w) { return units.get(w); }, m.own);
        self.list.textContent = "";
        self.shown = 0;
        // The count is said once the first results are there to be read.
        return self.showMore(false, seq).then(function (shown) {
          if (shown && seq === self.seq) self.count();
        });
      });
    }).catch(function () {
      if (seq === self.seq) self.unavailable();
    });
  };

  Search.prototype.fragment = function (id) {
    var m = this.m;
    if (m.t) return Promise.resolve(m.f[id]);
    return this.fetchJson(this.folder() + "f/" + id + ".json");
  };

  /* The next eight results; `focus` moves to the first of them. Resolves to
     whether they could be shown. */
  Search.prototype.showMore = function (focus, seq) {
    var self = this, next = this.ids.slice(this.shown, this.shown + PAGE);
    seq = seq || this.seq;
    return Promise.all(next.map(function (id) { return self.fragment(id); })).then(function (frags) {
      if (seq !== self.seq) return;
      var first = null;
      frags.forEach(function (f) {
        if (!f || typeof f !== "object" || typeof f.u !== "string") throw new TypeError("fragment");
        var li = self.item(f);
        first = first || li.querySelector("a");
        self.list.append(li);
      });
      self.shown += next.length;
      self.more.hidden = self.shown >= self.ids.length;
      self.panel.hidden = false;
      if (focus && first) first.focus();
      return true;
    }).catch(function () {
      if (seq === self.seq) self.unavailable();
      return false;
    });
  };

  Search.prototype.item = function (f) {
    var s = snippet(f, this.words, this.split), li = document.createElement("li"), a = document.createElement("a");
    var href = String(f.u);
    if (s.anchor) href = href.replace(/#.*$/, "") + "#" + s.anchor;
    a.href = this.root + href;
    a.className = "search-title";
    a.textContent = String(f.t || f.u);
    if (typeof f.l === "string" && f.l) li.lang = f.l;
    li.append(a);
    var section = f.s && f.s !== f.t ? String(f.s) : "", heading = s.heading && s.heading !== f.t ? String(s.heading) : "";
    if (section || heading) {
      var p = document.createElement("p");
      p.className = "search-where";
      if (section && typeof f.sl === "string" && f.sl) {
        var span = document.createElement("span");
        span.lang = f.sl;
        span.textContent = section;
        p.append(span);
      } else p.append(section);
      if (section && heading) p.append(" › ");
      if (heading && s.headingLang) {
        var h = document.createElement("span");
        h.lang = s.headingLang;
        h.textContent = heading;
        p.append(h);
      } else p.append(heading);
      li.append(p);
    }
    if (s.text) li.append(this.marked(s));
    return li;
  };

  Search.prototype.marked = function (s) {
    var p = document.createElement("p"), at = 0;
    p.className = "search-snippet";
    if (s.textLang) p.lang = s.textLang;
    if (s.before) p.append("…");
    s.marks.forEach(function (m) {
      if (m[0] < at) return;
      p.append(s.text.slice(at, m[0]));
      var mark = document.createElement("mark");
      mark.textContent = s.text.slice(m[0], m[1]);
      p.append(mark);
      at = m[1];
    });
    p.append(s.text.slice(at));
    if (s.after) p.append("…");
    return p;
  };

  Search.prototype.count = function () {
    var n = this.ids.length, text;
    if (!n) text = this.text("none");
    else {
      var cat = "other";
      try { cat = new Intl.PluralRules(this.lang).select(n); } catch (e) { cat = "other"; }
      var num = String(n);
      try { num = new Intl.NumberFormat(this.lang).format(n); } catch (e) { num = String(n); }
      // The language's own digits, as gangway writes them (browsers' data may lack them).
      var digits = Array.from(this.text("digits"));
      if (digits.length === 10) num = num.replace(/[0-9]/g, function (d) { return digits[+d]; });
      text = (this.text("results-" + cat) || this.text("results-other")).replace("{n}", num);
    }
    this.label.textContent = text;
    this.panel.hidden = false;
    this.say(text);
  };

  Search.prototype.say = function (text) {
    var status = this.status;
    // Set after a moment, so a reader's screen reader hears a change.
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  };

  Search.prototype.unavailable = function () {
    this.ids = [];
    this.list.textContent = "";
    this.more.hidden = true;
    this.label.textContent = this.text("unavailable");
    this.panel.hidden = false;
    this.say(this.label.textContent);
  };

  function start() {
    var forms = document.querySelectorAll("form[data-gw-search]");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].querySelector('input[type="search"]')) new Search(forms[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
