"""`collectstatic` without the build leftovers of Viewflow's wheel (supervision/static_files)."""

import os

from django.contrib.staticfiles.management.commands.collectstatic import Command as CollectStatic

from supervision.static_files import BUILD_LEFTOVERS


class Command(CollectStatic):
    def set_options(self, **options):
        super().set_options(**options)
        if options["use_default_ignore_patterns"]:
            self.ignore_patterns = sorted({*self.ignore_patterns, *(os.path.normpath(p) for p in BUILD_LEFTOVERS)})
