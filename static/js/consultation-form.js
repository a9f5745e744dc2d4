// Consultation form helpers. The form works without this file; it only makes two things quicker:
// focus lands on the error summary (autofocus does it too, but not in every browser), and the
// guidance for symptoms that started in the last 3 days appears as soon as that answer is chosen.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var guidance = document.getElementById("urgent-guidance");
  var form = document.getElementById("consultation-form");
  if (!guidance || !form) {
    return;
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "onset") {
      guidance.hidden = event.target.value !== "3-days";
    }
  });
})();
