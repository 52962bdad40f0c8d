// gradtrace form enhancement (the form works without it): show or hide conditional questions as
// answers change, reveal "please specify" boxes, and keep the city list to the chosen province.
(function () {
  "use strict";
  var form = document.querySelector("form[data-conditions]");
  if (!form) return;
  var conditions = {};
  try { conditions = JSON.parse(form.getAttribute("data-conditions")); } catch (e) { return; }

  function values(name) {
    var out = [];
    var els = form.elements[name];
    if (!els) return out;
    if (els.length === undefined || els.tagName === "SELECT") els = [els];
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.value !== "") out.push(el.value);
    }
    return out;
  }
  function test(c) {
    if (!c) return true;
    if (c.all) return c.all.every(test);
    if (c.any) return c.any.some(test);
    if (c.not) return !test(c.not);
    if (c.known !== undefined) return c.known; // decided by the server (earlier pages, roster)
    var v = values(c.question);
    if (c.answered !== undefined) return (v.length > 0) === c.answered;
    if (c["in"]) return v.some(function (x) { return c["in"].indexOf(x) >= 0; });
    if (c.not_in) return v.length > 0 && !v.some(function (x) { return c.not_in.indexOf(x) >= 0; });
    // A range: either bound may be absent (null), as on the server.
    var n = parseFloat(v[0]);
    if (c.min != null || c.max != null) {
      return !isNaN(n) && (c.min == null || n >= c.min) && (c.max == null || n <= c.max);
    }
    return true;
  }
  function refresh() {
    Object.keys(conditions).forEach(function (qid) {
      var box = document.getElementById("q-" + qid);
      if (box) box.hidden = !test(conditions[qid]);
    });
    var others = form.querySelectorAll("[data-other-for]");
    for (var i = 0; i < others.length; i++) {
      var o = others[i];
      o.hidden = values(o.getAttribute("data-other-for")).indexOf(o.getAttribute("data-other-option")) < 0;
    }
    var cities = form.querySelectorAll("select[data-province]");
    for (var j = 0; j < cities.length; j++) {
      var prov = values(cities[j].getAttribute("data-province"))[0] || "";
      var groups = cities[j].querySelectorAll("optgroup");
      for (var k = 0; k < groups.length; k++) {
        var show = !prov || groups[k].getAttribute("data-code") === prov;
        groups[k].hidden = !show;
        groups[k].disabled = !show;
      }
    }
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  // One tap, one submit: a double tap never sends the page twice.
  form.addEventListener("submit", function () {
    var b = form.querySelectorAll("button[type=submit]");
    setTimeout(function () { for (var i = 0; i < b.length; i++) b[i].disabled = true; }, 0);
  });
  refresh();
})();
