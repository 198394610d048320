/* The self-test's statements, one per screen. The answers stay in the page's form
   (checked radio buttons) until it is posted once, to the result; nothing is
   written to storage, cookies or the address. The reset form only learns the
   furthest statement reached, so a test left midway is counted by that alone. */
(function () {
  "use strict";
  var form = document.getElementById("selftest-form");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var back = form.querySelector(".back-step");
  var reached = document.querySelector('#reset-form input[name="selftest_item"]');
  var current = 0, furthest = 0;
  var statements = steps.length - 1;  // the last step is the button for pages without script

  function show(index) {
    current = index;
    furthest = Math.max(furthest, index);
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    back.hidden = false;
    if (reached) { reached.value = String(Math.min(furthest + 1, statements)); }
    var focus = steps[index].querySelector("input:checked") || steps[index].querySelector("input, button");
    if (focus) { focus.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  }

  form.classList.add("stepping");
  steps.forEach(function (step, i) {
    step.addEventListener("change", function () {
      // A short pause lets the person see the choice they tapped before the next
      // statement; after the last one the result follows (the consent screen says so).
      setTimeout(function () {
        if (i + 1 >= statements) { form.submit(); } else { show(i + 1); }
      }, 200);
    });
  });
  back.addEventListener("click", function () {
    if (current === 0) { location.href = "/selftest"; } else { show(current - 1); }
  });
  form.querySelector(".stop").addEventListener("click", function () {
    var reset = document.getElementById("reset-form");
    reset.querySelector('input[name="reason"]').value = "exit";
    reset.submit();
  });
  show(0);
})();
