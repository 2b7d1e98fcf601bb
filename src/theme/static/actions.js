// Sends the portal's forms (task actions, ratings) and page votes in place:
// the same fields as the plain form, posted with fetch, and the answer shown in
// the form's status line (role="status"). When no answer can be read, the
// reader is told, and pressing again sends the form the ordinary way. Without
// this script the forms work as they are. No inline script: the
// Content-Security-Policy allows this file only.
(function () {
  "use strict";

  function words() {
    var el = document.getElementById("gw-form-text");
    return {
      sending: el ? el.getAttribute("data-sending") : "",
      sent: el ? el.getAttribute("data-sent") : "",
      failed: el ? el.getAttribute("data-failed") : ""
    };
  }

  function statusOf(form) {
    var box = form.closest(".task-actions") || form;
    return box.querySelector(".form-status");
  }

  function send(event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-gw-form")) return;
    if (form.getAttribute("data-gw-plain") === "1") return;
    event.preventDefault();
    var submitter = event.submitter || null;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var status = statusOf(form);
    var text = words();
    var buttons = form.querySelectorAll("button");
    var i;
    for (i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    if (status) status.textContent = text.sending;
    // Form-encoded, as the plain form sends it: the endpoint sees one shape.
    // Not `form.action`: the field named "action" shadows it.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      for (i = 0; i < buttons.length; i++) buttons[i].disabled = false;
      if (status) {
        status.textContent = response.ok ? text.sent : text.failed;
        status.className = "form-status " + (response.ok ? "is-sent" : "is-failed");
      }
      if (response.ok) form.reset();
    }, function () {
      // No answer could be read: the browser is offline, or the endpoint does
      // not answer cross-origin requests (then the submission may well have
      // arrived). Sending it again at once could record it twice, so the
      // reader is told, and pressing the button again sends the form as a
      // page would, showing the endpoint's own answer.
      form.setAttribute("data-gw-plain", "1");
      for (i = 0; i < buttons.length; i++) buttons[i].disabled = false;
      if (status) {
        status.textContent = text.failed;
        status.className = "form-status is-failed";
      }
    });
  }

  document.addEventListener("submit", send);
})();
