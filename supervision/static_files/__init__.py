"""What `collectstatic` gathers: the static files pages use, not the build leftovers of Viewflow's wheel.

Viewflow's wheel ships the `node_modules` trees its front end was built from. Pages use the bundles
beside them (`viewflow/fonts/roboto/roboto-fontface.css` and its fonts, `viewflow/js/turbo…`), never
these trees, and one of their files breaks the production build: the npm package's own
`roboto-fontface/css/roboto/roboto-fontface.css` names fonts at `./Roboto-*.woff2`, which sit in
`../../fonts/roboto/`, so the manifest storage stops with a MissingFileError, writes no manifest,
and every page then answers 500. The Plotly Dash bundles (`viewflow/js/contrib/dash`, 63 MB) serve
`viewflow.contrib.plotly`, which is not installed. Leaving both out keeps WhiteNoise's strict
manifest (a reference that is really missing still fails the build) and a third of the time.

This app's `collectstatic` leaves them out. It is listed before django.contrib.staticfiles, so its
command is the one that runs, and the stock app keeps its name in INSTALLED_APPS (the test live
server looks for it there to serve static files).
"""

# Left out of collectstatic, on top of Django's defaults and any --ignore given.
BUILD_LEFTOVERS = ["node_modules", "viewflow/js/contrib/dash/*"]
