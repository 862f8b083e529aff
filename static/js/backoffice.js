/* The reviewer console: bulk actions ask before running and name how many rows are selected:
   <form data-confirm-count="…{n}…" data-count-name="ids">. No inline scripts (CSP). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute || !form.hasAttribute("data-confirm-count")) return;
    var name = form.getAttribute("data-count-name");
    var count = form.querySelectorAll('input[name="' + name + '"]:checked').length;
    if (!count) return;  // the server says to select something first
    if (!window.confirm(form.getAttribute("data-confirm-count").replace("{n}", count))) event.preventDefault();
  });
})();
