// The review page's only script: filters, hover and the fact panel. It reads fact data as JSON
// (never as code) and writes it with textContent (never as markup).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fact-data").textContent);
  var panel = document.getElementById("panel");
  var body = document.getElementById("panel-body");

  document.querySelectorAll(".legend input[data-type]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.body.classList.toggle("hide-" + box.getAttribute("data-type"), !box.checked);
    });
  });

  function keyOf(el) { return el.getAttribute("data-fact") || el.getAttribute("data-ref"); }
  function pieces(key) {
    return Array.prototype.slice.call(document.querySelectorAll('[data-fact="' + key + '"],[data-ref="' + key + '"]'));
  }
  var hot = [];
  function heat(key) {
    hot.forEach(function (el) { el.classList.remove("hot"); });
    hot = key ? pieces(key) : [];
    hot.forEach(function (el) { el.classList.add("hot"); });
  }
  document.addEventListener("mouseover", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".f") : null;
    heat(el ? keyOf(el) : null);
  });

  var picked = [];
  function show(start) {
    // every fact whose highlight holds the clicked point, innermost first
    var keys = [];
    for (var el = start; el; el = el.parentElement) {
      if (el.classList && el.classList.contains("f")) {
        var k = keyOf(el);
        if (keys.indexOf(k) < 0) keys.push(k);
      }
    }
    picked.forEach(function (el) { el.classList.remove("picked"); });
    picked = pieces(keys[0]);
    picked.forEach(function (el) { el.classList.add("picked"); });
    body.textContent = "";
    keys.forEach(function (k) {
      var fact = data[k];
      if (!fact) return;
      var h = document.createElement("h3");
      h.textContent = fact.type;
      body.appendChild(h);
      var dl = document.createElement("dl");
      Object.keys(fact).forEach(function (name) {
        if (name === "type") return;
        var dt = document.createElement("dt"), dd = document.createElement("dd");
        dt.textContent = name;
        var v = fact[name];
        dd.textContent = v === null ? "—" : (typeof v === "object" ? JSON.stringify(v) : String(v));
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      body.appendChild(dl);
    });
    panel.hidden = false;
    document.body.classList.add("panel-open");
  }
  function hide() { panel.hidden = true; document.body.classList.remove("panel-open"); }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".f") : null;
    if (el) show(el);
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { hide(); return; }
    if (ev.key === "Enter" && document.activeElement && document.activeElement.classList.contains("f")) show(document.activeElement);
  });
  document.getElementById("panel-close").addEventListener("click", hide);
})();
