/* Shelter map: progressive enhancement. The page already shows the address, the coordinates and a link to
   OpenStreetMap; this only adds an interactive map when Leaflet loaded. Tiles that fail to load leave a grey box
   and the rest of the page as it was. */
(function () {
  "use strict";
  var el = document.getElementById("shelter-map");
  if (!el || typeof window.L === "undefined") {
    return;
  }
  var lat = parseFloat(el.getAttribute("data-lat"));
  var lon = parseFloat(el.getAttribute("data-lon"));
  if (!isFinite(lat) || !isFinite(lon)) {
    return;
  }
  el.hidden = false;
  var map = window.L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 15);
  window.L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
    subdomains: "abc",
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  // A vector marker: no marker image to locate, so hashed static file names cannot break it.
  window.L.circleMarker([lat, lon], {
    radius: 10,
    color: "#0b4f71",
    weight: 3,
    fillColor: "#1f7fb3",
    fillOpacity: 0.8
  }).addTo(map).bindTooltip(el.getAttribute("data-name") || "");
})();
