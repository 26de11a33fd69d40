// Filter and sort the variant cards. The page is complete without this script: it only hides
// or reorders cards that are already there, from their data-* attributes.
(function () {
  "use strict";
  var controls = document.getElementById("controls");
  var list = document.getElementById("cards");
  if (!controls || !list) { return; }
  var cards = Array.prototype.slice.call(list.querySelectorAll("article.card"));
  var verdict = document.getElementById("f-verdict");
  var arm = document.getElementById("f-arm");
  var tag = document.getElementById("f-tag");
  var sort = document.getElementById("f-sort");
  var shown = document.getElementById("f-shown");

  function words(card, name) {
    // JSON arrays, so a tag may hold any character (spaces included).
    try { return JSON.parse(card.getAttribute("data-" + name) || "[]"); } catch (e) { return []; }
  }
  function num(card, name, missing) {
    var value = parseFloat(card.getAttribute("data-" + name));
    return isNaN(value) ? missing : value;
  }
  var orders = {
    spec: function (a, b) { return num(a, "order", 0) - num(b, "order", 0); },
    worst: function (a, b) {
      return (num(b, "frozen", -1) - num(a, "frozen", -1)) ||
        (num(a, "rank", 99) - num(b, "rank", 99)) ||
        (num(a, "motion", Infinity) - num(b, "motion", Infinity));
    },
    "motion-asc": function (a, b) { return num(a, "motion", Infinity) - num(b, "motion", Infinity); },
    "motion-desc": function (a, b) { return num(b, "motion", -Infinity) - num(a, "motion", -Infinity); }
  };

  function apply() {
    var count = 0;
    cards.forEach(function (card) {
      var ok = (!verdict.value || words(card, "verdicts").indexOf(verdict.value) >= 0) &&
        (!arm.value || card.getAttribute("data-arm") === arm.value) &&
        (!tag.value || words(card, "tags").indexOf(tag.value) >= 0);
      card.hidden = !ok;
      if (ok) { count += 1; }
    });
    cards.slice().sort(orders[sort.value] || orders.spec).forEach(function (card) {
      list.appendChild(card);
    });
    shown.textContent = count + " of " + cards.length + " variants shown";
  }

  [verdict, arm, tag, sort].forEach(function (el) { el.addEventListener("change", apply); });
  controls.hidden = false;
  apply();
})();

// A replicate's picture, motion curve and clip are put in the page as it nears the viewport:
// a run of a thousand clips would otherwise build a thousand video players and fetch a
// thousand pictures before the page could be read. They wait as the text of a <noscript>
// element (which is how a browser running this script parses it); without the script the
// browser shows them at once. Clips themselves are fetched only when played (preload="none").
(function () {
  "use strict";
  var waiting = Array.prototype.slice.call(document.querySelectorAll(".media[data-later]"));
  if (!waiting.length) { return; }
  function show(box) {
    var hidden = box.querySelector("noscript");
    if (hidden) {
      box.insertAdjacentHTML("beforeend", hidden.textContent);
      box.removeChild(hidden);
    }
    box.removeAttribute("data-later");
  }
  document.documentElement.classList.add("lazy-media");
  if (!("IntersectionObserver" in window)) { waiting.forEach(show); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        show(entry.target);
      }
    });
  }, { rootMargin: "800px 0px" });
  waiting.forEach(function (box) { observer.observe(box); });
})();
