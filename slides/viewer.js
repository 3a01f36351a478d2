// The viewer: one slide at a time. → ↓ Space PageDown or a click go on, ← ↑ PageUp
// go back, Home and End jump, F toggles full screen. The address ends in #N, the
// slide shown, so a reload stays on it and a link can point at one.
(() => {
  const slides = Array.from(document.querySelectorAll('div.marpit > svg[data-marpit-svg]'));
  let current = 0;
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach((slide, i) => slide.classList.toggle('active', i === current));
    if (location.hash !== `#${current + 1}`) history.replaceState(null, '', `#${current + 1}`);
  }
  const fromHash = () => show((parseInt(location.hash.slice(1), 10) || 1) - 1);
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const step = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 }[event.key];
    if (step) show(current + step);
    else if (event.key === 'Home') show(0);
    else if (event.key === 'End') show(slides.length - 1);
    else if (event.key === 'f' || event.key === 'F') {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    } else return;
    event.preventDefault();
  });
  document.addEventListener('click', (event) => {
    if (event.target.closest('a') || String(window.getSelection())) return;
    show(current + (event.clientX < window.innerWidth / 3 ? -1 : 1));
  });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
