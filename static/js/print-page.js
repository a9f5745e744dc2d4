// A "Print this page" button for the request confirmation. It stays hidden without JavaScript,
// since it needs it; the browser's own print command prints the same page.
(function () {
  "use strict";
  var button = document.getElementById("print-page");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
