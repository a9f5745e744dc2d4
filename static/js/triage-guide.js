// The guided page (/what-should-i-do-now/): shows only the warning signs for the person chosen
// under "Who is this for?". Without JavaScript every group shows, and the server checks the ticks.
(function () {
  "use strict";
  var form = document.getElementById("triage-form");
  if (!form) {
    return;
  }
  var groups = form.querySelectorAll(".triage-guide__signs[data-audience]");
  var wanted = { me: "adult", child: "child" };

  function update() {
    var chosen = form.querySelector("input[name='who']:checked");
    var audience = chosen ? wanted[chosen.value] : null;
    groups.forEach(function (group) {
      var kind = group.getAttribute("data-audience");
      // A hidden group is also disabled, so its ticks are not sent.
      var off = audience !== null && kind !== "anyone" && kind !== audience;
      group.hidden = off;
      group.disabled = off;
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "who") {
      update();
    }
  });
  update();
})();
