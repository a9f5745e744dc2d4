// Consultation form helpers. The form works without this file; it only makes three things quicker:
// focus lands on the error summary (autofocus does it too, but not in every browser), the guidance
// for symptoms that started in the last 3 days appears as soon as that answer is chosen, and the
// best time of day is asked only once a phone call or a text message is chosen (without this file
// it is always shown, and optional; the server ignores it for e-mail); likewise the child's first name
// and age, asked only once "My child" is chosen.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var form = document.getElementById("consultation-form");
  if (!form) {
    return;
  }
  var guidance = document.getElementById("urgent-guidance");
  var bestTime = document.getElementById("best-time");
  var childDetails = document.getElementById("child-details");

  function showChildDetails() {
    var chosen = form.querySelector("input[name='for_whom']:checked");
    // As for the best time: an answer the server found fault with stays in view.
    childDetails.hidden = !(chosen && chosen.value === "child") && !childDetails.querySelector(".is-invalid");
  }

  function showBestTime() {
    var chosen = form.querySelector("input[name='preferred_contact']:checked");
    var wanted = chosen && (chosen.value === "phone" || chosen.value === "text");
    // An answer the server found fault with stays in view, whatever is chosen.
    bestTime.hidden = !wanted && !bestTime.querySelector(".is-invalid");
  }

  if (bestTime) {
    showBestTime();
  }
  if (childDetails) {
    showChildDetails();
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "onset" && guidance) {
      guidance.hidden = event.target.value !== "3-days";
    }
    if (event.target.name === "for_whom" && childDetails) {
      showChildDetails();
    }
    if (event.target.name === "preferred_contact" && bestTime) {
      showBestTime();
    }
  });
})();
