// Consultation form helpers. The form works without this file; it only makes a few things quicker:
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

  // Back from the confirmation: the form page comes back (it is never cached), so show the
  // confirmation in its place while the request it confirms is recent (the server's "sent" cookie).
  function sentFromHere() {
    return /(^|;\s*)consultation_sent=1(;|$)/.test(document.cookie);
  }
  function showConfirmation() {
    window.location.replace(form.getAttribute("data-received-url"));
  }
  var navigation = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
  if (navigation && navigation.type === "back_forward" && sentFromHere()) {
    showConfirmation();
    return;
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && sentFromHere()) {
      showConfirmation();
    }
  });
  // A page that answered a post (the form with a mistake) is a history entry the browser can only
  // show again by posting again, hence its "resubmit?" prompt on Back. Just as this page is left by
  // sending the form, its entry is turned into a plain visit of the form's address, which Back can
  // load (and the lines above turn into the confirmation). Not earlier: reloading a page with a
  // mistake still offers to send the answers again rather than losing them.
  form.addEventListener("submit", function () {
    // A page that answered a visit is a plain entry already.
    if (form.hasAttribute("data-answers-post") && window.history && history.replaceState) {
      history.replaceState(history.state, "", window.location.href);
    }
  });
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

  // Each photo's control: the browser's button (the real input, made narrow by the stylesheet) and
  // the chosen file's name in full beside it, which fits a 320 px screen. Hidden from screen readers:
  // they announce the input's own value.
  Array.prototype.forEach.call(form.querySelectorAll(".photo-pose"), function (pose) {
    var input = pose.querySelector("input[type='file']");
    var name = pose.querySelector(".photo-input__name");
    if (!input || !name) {
      return;
    }
    function showName() {
      name.textContent = input.files && input.files.length ? input.files[0].name : name.getAttribute("data-none");
    }
    input.insertAdjacentElement("afterend", name);
    pose.classList.add("photo-pose--enhanced");
    name.hidden = false;
    input.addEventListener("change", showName);
    showName();
  });
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
