// Every back-office page (templates/admin/base_site.html): what Django's admin scripts and
// styles leave out for keyboard and screen-reader users, as axe-core finds it (e2e/test_axe.py).
(function () {
  'use strict';

  // Django's SelectFilter2 names its magnifier spans with aria-label but gives them no
  // role, and a bare span may not carry a name: make each an image, as it is drawn.
  function nameFilterIcons(root) {
    root.querySelectorAll('.search-label-icon[aria-label]:not([role])').forEach(function (icon) {
      icon.setAttribute('role', 'img');
    });
  }

  // On a narrow screen an inline table scrolls sideways inside its group
  // (responsive.css): a keyboard user reaches the hidden columns only if the group takes focus.
  function focusScrollingGroups() {
    document.querySelectorAll('.inline-group').forEach(function (group) {
      if (group.scrollWidth > group.clientWidth) {
        group.setAttribute('tabindex', '0');
        var heading = group.querySelector('[id$="-heading"]');
        if (heading) {
          group.setAttribute('role', 'region');
          group.setAttribute('aria-labelledby', heading.id);
        }
      } else if (group.getAttribute('tabindex') === '0') {
        group.removeAttribute('tabindex');
      }
    });
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === Node.ELEMENT_NODE) nameFilterIcons(node.parentNode || node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener('DOMContentLoaded', function () {
    nameFilterIcons(document);
    focusScrollingGroups();
  });
  window.addEventListener('resize', focusScrollingGroups);
})();
