/* People index and actors directory: instant filters over the static list.

   Every entry (li[data-item]) carries its values in data attributes (data-roles, data-kind...).
   Each <select data-attr="..."> of the form filters on one attribute; filters combine (AND).
   The URL keeps the filters (?role=moderator&event=...), counts follow the other filters, and
   letter sections with no entry left are hidden. Two selects may be paired (data-pair on both,
   the role and the event selects): entries then list their pairs in data-pairs, values in the
   order of the two selects ("moderator/journee-2019"), so that choosing a role and an event keeps
   the people who had that role AT that event. Without JavaScript the form stays hidden and
   every entry is listed; on the actors directory the facet links lead to static facet pages,
   which this script turns into instant filters. The status line's words come from the page, in
   the interface language (data-one, data-many, data-of on the directory, through gettext). */
(function () {
  "use strict";
  var root = document.querySelector("[data-directory]");
  var form = root && root.querySelector("form.directory-filters");
  if (!form) return;

  var items = Array.prototype.slice.call(root.querySelectorAll("[data-item]"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-attr]"));
  var sections = Array.prototype.slice.call(root.querySelectorAll("section.letter"));
  var status = form.querySelector(".filter-status");
  var facetLinks = Array.prototype.slice.call(root.querySelectorAll(".facet-list a[data-attr]"));
  var facetCounts = Array.prototype.slice.call(root.querySelectorAll(".facet-list .count[data-attr]"));
  var one = root.getAttribute("data-one");
  var many = root.getAttribute("data-many");
  var of = root.getAttribute("data-of") || "{shown} / {total}";
  var language = document.documentElement.lang || undefined;
  var plurals = new Intl.PluralRules(language);

  function words(item, name) {
    return (item.getAttribute("data-" + name) || "").split(" ").filter(Boolean);
  }

  // the values of each entry, per attribute, read once
  var values = items.map(function (item) {
    var byAttr = { pairs: words(item, "pairs").map(function (pair) { return pair.split("/"); }) };
    selects.forEach(function (select) {
      var attr = select.getAttribute("data-attr");
      byAttr[attr] = words(item, attr);
    });
    return byAttr;
  });
  var paired = selects.filter(function (select) { return select.hasAttribute("data-pair"); });
  if (paired.length !== 2) paired = [];

  // entry i's values for a select; for a paired select whose partner has a value, only the values
  // that go with the partner's (the events where the person was a moderator)
  function valuesOf(i, select, except) {
    var side = paired.indexOf(select);
    var partner = side < 0 ? null : paired[1 - side];
    if (!partner || !partner.value || partner === except) return values[i][select.getAttribute("data-attr")];
    return values[i].pairs.filter(function (pair) { return pair[1 - side] === partner.value; })
      .map(function (pair) { return pair[side]; });
  }

  function selectFor(attr) {
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].getAttribute("data-attr") === attr) return selects[i];
    }
    return null;
  }

  // does entry i pass every filter except the one of `except`?
  function passes(i, except) {
    return selects.every(function (select) {
      return select === except || !select.value || valuesOf(i, select, except).indexOf(select.value) >= 0;
    });
  }

  // per select: value -> number of entries that would show if that value were chosen
  function counts() {
    var result = new Map();
    selects.forEach(function (select) {
      var attr = select.getAttribute("data-attr");
      var tally = {};
      items.forEach(function (_, i) {
        if (!passes(i, select)) return;
        valuesOf(i, select, null).forEach(function (value) { tally[value] = (tally[value] || 0) + 1; });
      });
      result.set(attr, tally);
    });
    return result;
  }

  function plural(n) { return n.toLocaleString(language) + " " + (plurals.select(n) === "one" ? one : many); }

  function writeUrl() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      if (select.value) params.set(select.name, select.value);
      else params.delete(select.name);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item, i) {
      var ok = passes(i, null);
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (section) {
      var empty = !section.querySelector("[data-item]:not([hidden])");
      section.hidden = empty;
      var link = root.querySelector('.letters a[data-letter="' + section.id + '"]');
      if (link) {
        if (empty) link.setAttribute("aria-disabled", "true");
        else link.removeAttribute("aria-disabled");
      }
    });
    var tallies = counts();
    selects.forEach(function (select) {
      var tally = tallies.get(select.getAttribute("data-attr"));
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var n = tally[option.value] || 0;
        option.textContent = option.getAttribute("data-label") + " (" + n + ")";
        option.disabled = n === 0 && option.value !== select.value;
      });
    });
    facetCounts.forEach(function (count) {
      var tally = tallies.get(count.getAttribute("data-attr")) || {};
      count.textContent = "(" + (tally[count.getAttribute("data-value")] || 0) + ")";
    });
    facetLinks.forEach(function (link) {
      var select = selectFor(link.getAttribute("data-attr"));
      if (select && select.value === link.getAttribute("data-value")) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
    var active = selects.some(function (select) { return select.value; });
    status.textContent = active
      ? of.replace("{shown}", plural(shown)).replace("{total}", items.length.toLocaleString(language))
      : plural(shown);
    writeUrl();
  }

  // filters from the URL; unknown values are ignored
  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
      select.value = wanted;
    }
  });

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  // the reset done here rather than by the browser, so that the list is whole again at once
  form.addEventListener("reset", function (event) {
    event.preventDefault();
    selects.forEach(function (select) { select.value = ""; });
    apply();
  });
  facetLinks.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      var select = selectFor(link.getAttribute("data-attr"));
      if (!select) return;
      event.preventDefault();
      var value = link.getAttribute("data-value");
      select.value = select.value === value ? "" : value;
      apply();
      form.scrollIntoView({ block: "nearest" });
    });
  });
  apply();
}());
