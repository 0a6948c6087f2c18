/* civichub programme: filters, favourites, "now and next", personal .ics.
   Progressive: the page is complete without this script; it only adds controls.
   Its interface strings come with the page, in the interface language (data.text, written by
   the programme_data macro through gettext): none is written here. */
(function () {
  "use strict";
  var root = document.querySelector("[data-event]");
  var dataNode = document.getElementById("programme-data");
  if (!root || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var text = data.text || {};
  var plurals = new Intl.PluralRules(text.lang || document.documentElement.lang);
  var event = root.getAttribute("data-event");
  var items = Array.prototype.slice.call(document.querySelectorAll("li.session[data-session], td.cell[data-session]"));
  var listItems = items.filter(function (el) { return el.tagName === "LI"; });
  var params = new URLSearchParams(window.location.search);
  var storageKey = "civichub:favourites:" + event;

  /* a session's title and page, read from its heading (no-break spaces kept for display) */
  function titleOf(li) { var h = li.querySelector("h3, .title"); return h ? h.textContent.trim() : ""; }
  function urlOf(li) { var a = li.querySelector("h3 a"); return a ? a.href : ""; }
  function words(el, name) { return (el.getAttribute("data-" + name) || "").split(" ").filter(Boolean); }
  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content) node.textContent = content;
    return node;
  }
  /* an interface string with its {name} slots filled: say("calendar", {title: "..."}) */
  function say(key, values) {
    return String(text[key] || "").replace(/\{(\w+)\}/g, function (slot, name) {
      return values && name in values ? values[name] : slot;
    });
  }
  /* a count with the plural form of the interface language: [one, other] */
  function count(key, n) {
    var forms = text[key] || ["{n}", "{n}"];
    var form = plurals.select(n) === "one" ? forms[0] : forms[1];
    return form.replace("{n}", n.toLocaleString(text.lang || undefined));
  }

  /* favourites */
  function loadFavourites() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "[]"); } catch (e) { return []; }
  }
  var favourites = loadFavourites();
  function saveFavourites() {
    try { window.localStorage.setItem(storageKey, JSON.stringify(favourites)); } catch (e) { /* private mode */ }
  }
  function isFavourite(id) { return favourites.indexOf(id) !== -1; }
  function toggleFavourite(id) {
    favourites = isFavourite(id) ? favourites.filter(function (f) { return f !== id; }) : favourites.concat([id]);
    saveFavourites();
    document.querySelectorAll('button.fav[data-session="' + id + '"]').forEach(function (b) {
      b.setAttribute("aria-pressed", String(isFavourite(id)));
    });
    updateFavouriteCount();
    apply();
  }
  listItems.forEach(function (li) {
    if (li.classList.contains("break")) return;
    var id = li.getAttribute("data-session");
    var title = titleOf(li);
    var button = el("button", { type: "button", "class": "fav", "data-session": id,
      "aria-pressed": String(isFavourite(id)), "aria-label": say("favourite_add", { title: title }) }, say("favourite"));
    button.addEventListener("click", function () { toggleFavourite(id); });
    li.appendChild(button);
  });

  /* filters */
  var filterBox = document.querySelector(".filters");
  var selects = {};
  var live;
  function addSelect(name, label, options) {
    var keys = Object.keys(options);
    if (keys.length < 2) return;
    var wrapper = el("label", {}, label);
    var select = el("select", { name: name });
    select.appendChild(el("option", { value: "" }, say("all")));
    keys.forEach(function (k) { select.appendChild(el("option", { value: k }, options[k])); });
    select.value = params.get(name) || "";
    select.addEventListener("change", function () { syncUrl(); apply(); });
    wrapper.appendChild(select);
    filterBox.appendChild(wrapper);
    selects[name] = select;
  }
  var onlyFavourites;
  var favouriteCount;
  if (filterBox) {
    var form = el("form", { role: "search", "aria-label": say("filter") });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    filterBox.appendChild(form);
    filterBox = form;
    addSelect("format", say("format"), data.formats);
    addSelect("theme", say("theme"), data.themes);
    addSelect("room", say("room"), data.rooms);
    addSelect("lang", say("language"), data.languages);
    var favLabel = el("label", { "class": "inline" });
    onlyFavourites = el("input", { type: "checkbox", name: "favoris" });
    onlyFavourites.checked = params.get("favoris") === "1";
    onlyFavourites.addEventListener("change", function () { syncUrl(); apply(); });
    favLabel.appendChild(onlyFavourites);
    favLabel.appendChild(document.createTextNode(" " + say("only_favourites")));
    filterBox.appendChild(favLabel);
    var download = el("button", { type: "button", "class": "download-ics" }, say("download"));
    download.addEventListener("click", downloadFavourites);
    filterBox.appendChild(download);
    favouriteCount = el("span", { "class": "fav-count" });
    filterBox.appendChild(favouriteCount);
    live = el("p", { "class": "filter-status", role: "status", "aria-live": "polite" });
    filterBox.appendChild(live);
    filterBox.parentNode.hidden = false;
  }
  function updateFavouriteCount() {
    if (favouriteCount) favouriteCount.textContent = count("favourites", favourites.length);
  }
  function syncUrl() {
    var next = new URLSearchParams();
    Object.keys(selects).forEach(function (k) { if (selects[k].value) next.set(k, selects[k].value); });
    if (onlyFavourites && onlyFavourites.checked) next.set("favoris", "1");
    var query = next.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }
  function matches(item) {
    var want = function (k) { return selects[k] ? selects[k].value : ""; };
    if (want("format") && item.getAttribute("data-format") !== want("format")) return false;
    if (want("theme") && words(item, "themes").indexOf(want("theme")) === -1) return false;
    if (want("lang") && item.getAttribute("data-lang") !== want("lang")) return false;
    var rooms = words(item, "rooms");
    if (want("room") && rooms.length && rooms.indexOf(want("room")) === -1 && rooms.indexOf("*") === -1) return false;
    if (onlyFavourites && onlyFavourites.checked && !isFavourite(item.getAttribute("data-session"))) return false;
    return true;
  }
  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item);
      item.classList.toggle("is-filtered-out", !ok);
      if (ok && item.tagName === "LI") shown += 1;
    });
    if (live) live.textContent = count("shown", shown);
  }

  /* a personal calendar, built in the browser from the page's own data */
  function icsText(s) { return String(s).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n"); }
  function icsDate(iso) { return iso.replace(/[-:]/g, ""); }
  function fold(line) {
    var out = [];
    while (line.length > 73) { out.push(line.slice(0, 73)); line = " " + line.slice(73); }
    out.push(line);
    return out.join("\r\n");
  }
  function downloadFavourites() {
    var stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//civichub//favourites//FR", "CALSCALE:GREGORIAN",
      "X-WR-CALNAME:" + icsText(say("calendar", { title: data.title }))];
    listItems.forEach(function (li) {
      var id = li.getAttribute("data-session");
      if (!isFavourite(id) || !li.getAttribute("data-start")) return;
      lines.push("BEGIN:VEVENT", "UID:" + event + "-" + id + "@" + data.uid_domain, "DTSTAMP:" + icsDate(stamp),
        "DTSTART:" + icsDate(li.getAttribute("data-start")));
      if (li.getAttribute("data-end")) lines.push("DTEND:" + icsDate(li.getAttribute("data-end")));
      lines.push("SUMMARY:" + icsText(titleOf(li).replace(/[\u00a0\u202f]/g, " ")),
        "LOCATION:" + icsText(li.getAttribute("data-place") || ""),
        "URL:" + urlOf(li), "END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    var blob = new Blob([lines.map(fold).join("\r\n") + "\r\n"], { type: "text/calendar" });
    var link = el("a", { href: URL.createObjectURL(blob), download: say("file", { event: event }) });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  /* now and next, per room, from UTC times: harmless outside the event */
  function nowAndNext() {
    var box = document.querySelector(".now-next");
    if (!box) return;
    var now = params.get("now") ? new Date(params.get("now")) : new Date();
    var timed = listItems.filter(function (li) { return li.getAttribute("data-start"); });
    if (!timed.length) return;
    var first = new Date(timed[0].getAttribute("data-start"));
    var last = new Date(Math.max.apply(null, timed.map(function (li) {
      return new Date(li.getAttribute("data-end") || li.getAttribute("data-start")).getTime(); })));
    if (now < new Date(first.getTime() - 2 * 3600e3) || now > last) { box.hidden = true; return; }
    var current = [], upcoming = [];
    timed.forEach(function (li) {
      var start = new Date(li.getAttribute("data-start"));
      var end = li.getAttribute("data-end") ? new Date(li.getAttribute("data-end")) : new Date(start.getTime() + 3600e3);
      if (start <= now && now < end) current.push(li);
    });
    var nextStart = timed.map(function (li) { return new Date(li.getAttribute("data-start")); })
      .filter(function (d) { return d > now; }).sort(function (a, b) { return a - b; })[0];
    if (nextStart) upcoming = timed.filter(function (li) { return new Date(li.getAttribute("data-start")).getTime() === nextStart.getTime(); });
    box.textContent = "";
    box.appendChild(el("h2", {}, say("now_next")));
    [[say("now"), current], [say("next"), upcoming]].forEach(function (pair) {
      if (!pair[1].length) return;
      box.appendChild(el("h3", {}, pair[0]));
      var ul = el("ul");
      pair[1].forEach(function (li) {
        var item = el("li");
        var a = urlOf(li) ? el("a", { href: urlOf(li) }, titleOf(li)) : el("span", {}, titleOf(li));
        item.appendChild(a);
        var place = li.getAttribute("data-place");
        if (place) item.appendChild(document.createTextNode(" — " + place));
        ul.appendChild(item);
      });
      box.appendChild(ul);
    });
    box.hidden = false;
  }

  updateFavouriteCount();
  apply();
  nowAndNext();
  window.setInterval(nowAndNext, 60000);
})();
