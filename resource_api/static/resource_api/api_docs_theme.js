// Swagger UI's dark theme is a class on <html>; follow the reader's scheme.
if (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) {
  document.documentElement.classList.add("dark-mode");
}
