// Starts GOV.UK Frontend's components without any inline script, so a Content Security Policy without
// 'unsafe-inline' works. GOV.UK's page template does this with an inline snippet that adds the
// `govuk-frontend-supported` class when the browser supports ES modules; a module script only runs in such
// browsers, so adding the class here is the same test. Without JavaScript every page still works.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
