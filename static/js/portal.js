/* Small progressive enhancements. Every page works without them; no inline scripts (CSP). */
(function () {
  "use strict";

  // Move focus to the error summary so screen-reader users hear what to fix.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) summary.focus();
  }

  // Forms that ask before an irreversible action: <form data-confirm="...">, or
  // <form data-confirm-months="...{n}..."> which names the number of ticked months.
  function confirmForms() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.getAttribute) return;
      var question = form.getAttribute("data-confirm");
      var template = form.getAttribute("data-confirm-months");
      if (template && (!event.submitter || !event.submitter.hasAttribute("form"))) {
        var count = form.querySelectorAll('input[name="months"][type=hidden], input[name="months"]:checked').length;
        question = template.replace("{n}", count);
      }
      if (question && !window.confirm(question)) event.preventDefault();
    });
  }

  // Region picker: province → city → county; the next select is filled from the server.
  function regionPickers() {
    document.querySelectorAll("[data-region-picker]").forEach(function (picker) {
      var selects = picker.querySelectorAll("select");
      selects.forEach(function (select, index) {
        select.addEventListener("change", function () {
          for (var j = index + 1; j < selects.length; j++) {
            selects[j].length = 1;
          }
          var next = selects[index + 1];
          if (!next || !select.value) return;
          fetch("/regions/children/?parent=" + encodeURIComponent(select.value), { credentials: "same-origin" })
            .then(function (r) { return r.json(); })
            .then(function (data) {
              data.children.forEach(function (child) {
                var option = document.createElement("option");
                option.value = child.code;
                option.textContent = child.name;
                next.appendChild(option);
              });
            });
        });
      });
    });
  }

  // Long jobs: <div data-poll="/url/">: refresh the fragment until it says it is done.
  function pollers() {
    document.querySelectorAll("[data-poll]").forEach(function (box) {
      var url = box.getAttribute("data-poll");
      var interval = parseInt(box.getAttribute("data-poll-interval") || "1500", 10);
      function tick() {
        fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            box.innerHTML = html;
            var inner = box.querySelector("[data-poll-done]");
            if (inner) {
              if (box.hasAttribute("data-reload-when-done")) window.location.reload();
              return;
            }
            window.setTimeout(tick, interval);
          })
          .catch(function () { window.setTimeout(tick, interval * 2); });
      }
      if (!box.querySelector("[data-poll-done]")) window.setTimeout(tick, interval);
    });
  }

  // <button data-dialog="id"> opens a native <dialog>; <button data-close> closes it.
  function dialogs() {
    document.addEventListener("click", function (event) {
      var opener = event.target.closest("[data-dialog]");
      if (opener) {
        var dialog = document.getElementById(opener.getAttribute("data-dialog"));
        if (dialog && dialog.showModal) { event.preventDefault(); dialog.showModal(); }
      }
      var closer = event.target.closest("[data-close]");
      if (closer) {
        var parent = closer.closest("dialog");
        if (parent) { event.preventDefault(); parent.close(); }
      }
    });
  }

  // Checkboxes that select all rows: <input type=checkbox data-check-all="name">.
  function checkAll() {
    document.addEventListener("change", function (event) {
      var name = event.target.getAttribute && event.target.getAttribute("data-check-all");
      if (!name) return;
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]:not([disabled])').forEach(function (box) {
        box.checked = event.target.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    confirmForms();
    regionPickers();
    pollers();
    dialogs();
    checkAll();
  });
})();
