/* The portal's only script (the Content-Security-Policy allows scripts from this site
   only, never inline). Everything works without it; it adds:
   - focus on the error summary of a form page that came back with errors (GOV.UK), so
     a screen reader reads the problem and a phone scrolls to it;
   - a "Show / Hide" button beside each password field. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  var toggles = document.querySelectorAll("[data-password-toggle]");
  Array.prototype.forEach.call(toggles, function (button) {
    var input = document.getElementById(button.getAttribute("data-password-toggle"));
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
      button.textContent = show ? button.getAttribute("data-hide") : button.getAttribute("data-show");
    });
  });
}());
