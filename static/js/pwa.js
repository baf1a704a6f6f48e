/* Installs the service worker and says when the page shown is a saved copy (no signal). */
"use strict";

(function () {
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
  function show() {
    var notice = document.getElementById("offline-notice");
    if (notice) {
      notice.hidden = navigator.onLine;
    }
  }
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("DOMContentLoaded", show);
})();
