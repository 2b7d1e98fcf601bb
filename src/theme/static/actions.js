// Sends the portal's forms (task actions, ratings) and page votes in place:
// the same fields as the plain form, posted with fetch, and the answer shown in
// the form's status line (role="status"). On a network error the form is sent
// the ordinary way, so nothing is lost. Without this script the forms work as
// they are. No inline script: the Content-Security-Policy allows this file only.
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
      // The endpoint could not be reached this way (offline, or it refuses
      // cross-origin requests): send the form as a page would.
      form.setAttribute("data-gw-plain", "1");
      for (i = 0; i < buttons.length; i++) buttons[i].disabled = false;
      if (form.requestSubmit) {
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      } else {
        form.submit();
      }
    });
  }

  document.addEventListener("submit", send);
})();
