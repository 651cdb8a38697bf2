// Starts GOV.UK Frontend's components without any inline script, so a Content Security Policy without
// 'unsafe-inline' works. GOV.UK's page template does this with an inline snippet that adds the
// `govuk-frontend-supported` class when the browser supports ES modules; a module script only runs in such
// browsers, so adding the class here is the same test. Without JavaScript every page still works.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// The emailed sign-in and password-reset links carry their token after `#`, which the browser never sends to a
// server (so no log keeps a live link). Put it in the page's form, hide the box it would otherwise be pasted into,
// and drop it from the address bar and history.
const linkForm = document.querySelector('form[data-sign-in-link]')
if (linkForm && window.location.hash.length > 1) {
  const field = linkForm.querySelector('input[name="token"]')
  field.value = decodeURIComponent(window.location.hash.slice(1))
  const group = field.closest('.govuk-form-group')
  if (group) group.hidden = true
  window.history.replaceState(null, '', window.location.pathname + window.location.search)
}
