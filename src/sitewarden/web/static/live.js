// Live refresh: a <details> the user opened stays open when htmx swaps in a fresher copy of its part of the page
// (recent results and their details on the site page refresh every few seconds). Elements are matched by id.
(function () {
  var opened = {};
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.tagName !== "DETAILS" || !details.id) {
      return;
    }
    if (details.open) {
      opened[details.id] = true;
    } else {
      delete opened[details.id];
    }
  }, true);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.boosted) {
      opened = {};  // another page: what was open belongs to the one left
      return;
    }
    var root = event.target;
    Object.keys(opened).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && !details.open && root.contains(details)) {
        details.open = true;
      }
    });
  });
})();
