/*
 * The product page's gallery, enhanced. Without this script each thumbnail is a link
 * to its photo (#foto-N) and CSS shows the photo the address points at; with it, a
 * thumbnail shows its photo in place: the page does not jump and the address and the
 * history stay as they were. The thumbnail shown carries aria-current.
 *
 * Our own code, from our own host; it talks to no one.
 */
(function () {
  "use strict";

  function enhance(gallery) {
    var slides = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-slide"));
    var thumbs = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-thumb"));
    if (slides.length < 2) {
      return;
    }

    function show(id) {
      slides.forEach(function (slide) {
        slide.classList.toggle("is-current", slide.id === id);
      });
      thumbs.forEach(function (thumb) {
        if (thumb.getAttribute("href") === "#" + id) {
          thumb.setAttribute("aria-current", "true");
        } else {
          thumb.removeAttribute("aria-current");
        }
      });
    }

    var fromAddress = slides.filter(function (slide) {
      return "#" + slide.id === window.location.hash;
    })[0];
    show((fromAddress || slides[0]).id);
    gallery.classList.add("is-enhanced");

    thumbs.forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        show(thumb.getAttribute("href").slice(1));
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-gallery]"), enhance);
})();
