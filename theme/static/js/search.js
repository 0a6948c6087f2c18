/* The search page: a form over the Pagefind index (pagefind/ at the site root, written at build
   time by civichub.search). Results are a list of links with excerpts; the kind filter
   (data-pagefind-filter="type:..." on each page's <main>) narrows them; the count is announced
   in the status region. The URL keeps the search (?q=...&type=...), so a search can be shared.
   Without JavaScript the form stays hidden and a <noscript> message points to the indexes; when
   the index cannot be loaded (a copy opened from the disk, file://), a similar message shows.
   Its interface strings come from the page, in the interface language (data-text, written by
   search.html through gettext; {name} marks what the script fills in). */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) return;
  var form = root.querySelector("form.search-form");
  var input = form.querySelector("input[type=search]");
  var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=type]"));
  var counts = Array.prototype.slice.call(form.querySelectorAll("[data-count]"));
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var more = root.querySelector(".search-more");
  var names = JSON.parse(root.getAttribute("data-kinds") || "{}");
  var text = JSON.parse(root.getAttribute("data-text") || "{}");
  var language = document.documentElement.lang || undefined;
  var plurals = new Intl.PluralRules(language);
  var siteRoot = new URL(root.getAttribute("data-root") || "/", window.location.href);
  var PAGE = 10;
  var pagefind = null;
  var current = { results: [], shown: 0, token: 0 };
  var timer = null;

  /* an interface string with its {name} slots filled; a [one, other] pair is chosen by n */
  function say(key, values) {
    var message = text[key] || "";
    if (Array.isArray(message)) message = plurals.select(values.n) === "one" ? message[0] : message[1];
    return message.replace(/\{(\w+)\}/g, function (slot, name) {
      if (!(name in values)) return slot;
      return typeof values[name] === "number" ? values[name].toLocaleString(language) : values[name];
    });
  }

  function selectedType() {
    var checked = radios.filter(function (r) { return r.checked; })[0];
    return checked ? checked.value : "";
  }

  function kindLabel(value) {
    var radio = radios.filter(function (r) { return r.value === value; })[0];
    return radio ? radio.parentNode.textContent.trim() : "";
  }

  /* Pagefind excerpts are text with <mark> around the matches: keep exactly that. */
  function excerptNode(html, tag) {
    var node = document.createElement(tag || "p");
    node.className = "excerpt";
    var template = document.createElement("template");
    template.innerHTML = html || "";
    template.content.childNodes.forEach(function (child) {
      if (child.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = child.textContent;
        node.appendChild(mark);
      } else {
        node.appendChild(document.createTextNode(child.textContent));
      }
    });
    return node;
  }

  function bestLinks(subs) {
    var anchored = subs.filter(function (sub) { return sub.url.indexOf("#") > 0; });
    var best = Math.max.apply(null, subs.map(function (sub) { return sub.locations.length; }).concat([0]));
    return anchored.filter(function (sub) { return best && sub.locations.length * 2 >= best; })
      .sort(function (a, b) { return b.locations.length - a.locations.length; })
      .slice(0, 3)
      .sort(function (a, b) { return subs.indexOf(a) - subs.indexOf(b); });
  }

  function resultItem(data) {
    var item = document.createElement("li");
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var type = data.filters && data.filters.type && data.filters.type[0];
    if (type && names[type]) {
      var kind = document.createElement("p");
      kind.className = "kind";
      kind.textContent = names[type];
      item.appendChild(kind);
    }
    // On a roundup, the links that match best (#lien-3), in page order; elsewhere the excerpt.
    var subs = type === "link" ? bestLinks(data.sub_results || []) : [];
    if (subs.length) {
      var sublist = document.createElement("ul");
      subs.forEach(function (sub) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = sub.url;
        a.textContent = sub.title;
        li.appendChild(a);
        li.appendChild(excerptNode(sub.excerpt));
        sublist.appendChild(li);
      });
      item.appendChild(sublist);
    } else {
      item.appendChild(excerptNode(data.excerpt));
    }
    return item;
  }

  function showMore(token) {
    var batch = current.results.slice(current.shown, current.shown + PAGE);
    current.shown += batch.length;
    more.hidden = true;
    list.setAttribute("aria-busy", "true");
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (token !== current.token) return;
      items.forEach(function (data) { list.appendChild(resultItem(data)); });
      more.hidden = current.shown >= current.results.length;
      list.setAttribute("aria-busy", "false");
    });
  }

  function updateCounts(totals) {
    var all = 0;
    counts.forEach(function (span) {
      var value = span.getAttribute("data-count");
      if (!value) return;
      var n = (totals && totals[value]) || 0;
      all += n;
      span.textContent = totals ? "(" + n + ")" : "";
    });
    counts.forEach(function (span) {
      if (!span.getAttribute("data-count")) span.textContent = totals ? "(" + all + ")" : "";
    });
  }

  function keepInUrl(term, type) {
    var url = new URL(window.location.href);
    url.search = "";
    if (term) url.searchParams.set("q", term);
    if (type) url.searchParams.set("type", type);
    window.history.replaceState(null, "", url);
  }

  function run() {
    var term = input.value.trim();
    var type = selectedType();
    var token = ++current.token;
    keepInUrl(term, type);
    list.setAttribute("aria-busy", "true");
    if (!term) {
      list.setAttribute("aria-busy", "false");
      list.textContent = "";
      more.hidden = true;
      status.textContent = "";
      updateCounts(null);
      return Promise.resolve();
    }
    var options = type ? { filters: { type: type } } : {};
    return pagefind.search(term, options).then(function (search) {
      if (token !== current.token || !search) return;
      current.results = search.results;
      current.shown = 0;
      list.textContent = "";
      updateCounts(search.totalFilters && search.totalFilters.type);
      var n = search.results.length;
      var where = type ? say("among", { kind: kindLabel(type).replace(/\s*\([\d\s.,\u00a0\u202f]+\)$/, "").toLowerCase() }) : "";
      status.textContent = n
        ? say("results", { n: n, term: term }) + where
        : say("none", { term: term }) + where + ".";
      return showMore(token);
    }).catch(function () {
      if (token === current.token) status.textContent = say("failed", {});
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 250);
  }

  function unavailable() {
    form.hidden = true;
    root.querySelector("[data-search-unavailable]").hidden = false;
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  radios.forEach(function (r) { r.checked = r.value === (params.get("type") || ""); });
  if (!radios.some(function (r) { return r.checked; })) radios[0].checked = true;
  form.hidden = false;

  import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 24 });
  }).then(function () {
    return pagefind.filters();  // loads the filter index, so that counts come with each search
  }).then(function () {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    input.addEventListener("input", schedule);
    radios.forEach(function (r) { r.addEventListener("change", run); });
    more.addEventListener("click", function () {
      var first = current.shown;
      showMore(current.token).then(function () {
        var next = list.children[first];
        var link = next && next.querySelector("a");
        if (link) link.focus();
      });
    });
    if (input.value) run();
    root.setAttribute("data-search-ready", "");
  }).catch(function () {
    unavailable();
  });
})();
