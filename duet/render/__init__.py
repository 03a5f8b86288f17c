"""Stage 3, render: Jinja2 templates over the site model, with each language's catalog."""
