"""The Markdown lexer, one module per kind of region.

``lines`` (line splitting, indentation columns, block-quote prefixes), ``fences``,
``indented_code`` (indented code right after a fence), ``indented_sessions`` (an indented
``>>>`` session, a docstring pasted as it is), ``comments``, ``headings``,
``front_matter`` and ``problems`` each recognise one construct and build its lexeme;
``scan`` is the single line-based pass that drives them, since CommonMark's containers
(block quotes, list items) and a fence's precedence over what it holds make one pass over
the lines the natural order. ``markdown/lexers.py`` is the public face.
"""
