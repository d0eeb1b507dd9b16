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
  // A passphrase idea: 7 words drawn with the browser's cryptographic random numbers.
  var ideas = document.querySelectorAll("[data-passphrase-for]");
  Array.prototype.forEach.call(ideas, function (button) {
    var words = button.getAttribute("data-words").split(/\s+/).filter(Boolean);
    var field = document.getElementById(button.getAttribute("data-passphrase-for"));
    var again = document.getElementById(button.getAttribute("data-confirm"));
    var out = button.parentNode.querySelector(".passphrase-out");
    if (!field || !window.crypto || words.length < 32) { return; }
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var picks = new Uint32Array(7);
      window.crypto.getRandomValues(picks);
      var sentence = Array.prototype.map.call(picks, function (n) { return words[n % words.length]; }).join(" ");
      [field, again].forEach(function (input) {
        if (!input) { return; }
        input.value = sentence;
        input.type = "text";
        var toggle = document.querySelector("[data-password-toggle='" + input.id + "']");
        if (toggle) {
          toggle.setAttribute("aria-pressed", "true");
          toggle.textContent = toggle.getAttribute("data-hide");
        }
      });
      out.textContent = sentence;
    });
  });
}());
