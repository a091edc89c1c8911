// The scoring sheet's running total, added up as points are typed (the server adds it up again).
(function () {
  var out = document.getElementById("running-total");
  if (!out) { return; }
  var pass = parseFloat(out.getAttribute("data-pass"));
  var inputs = document.querySelectorAll("input.points");
  function update() {
    var total = 0;
    for (var i = 0; i < inputs.length; i++) {
      var v = parseFloat(inputs[i].value);
      if (!isNaN(v)) { total += v; }
    }
    total = Math.round(total * 100) / 100;
    out.textContent = String(total);
    out.className = total < pass ? "bad" : "good";
  }
  for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener("input", update); }
  update();
})();
