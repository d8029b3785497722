"""Completion served by the kernel, for front ends without the JupyterLab extension (classic notebook,
VS Code, terminal IPython): inside `%%ion` cells from the schema, and on the magics' own lines.

Inside a cell, `document.complete_graphql` splits the text into `tokens`, feeds them to a `walker` whose
scopes (`document`, `values`) track what may come next, and ranks what `suggestions` offers there.
`magic_line` answers on a magic's line; `ipython` hooks both into IPython's completer. This file imports
nothing, so that `%load_ext` loads only the glue and the engine loads at the first completion.
"""
