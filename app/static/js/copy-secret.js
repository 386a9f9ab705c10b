// "Copy" buttons next to a read-only field: data-copy-target names the field's id.
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  button.addEventListener("click", function () {
    var field = document.getElementById(button.dataset.copyTarget);
    var copied = function () { button.textContent = button.dataset.copiedLabel; };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied);
    } else if (document.execCommand("copy")) {  // plain-HTTP intranets have no clipboard API
      copied();
    }
  });
});
