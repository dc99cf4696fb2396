; OpenSpec keywords written in bold, for Helix's `markdown.inline` language.
; Helix replaces (does not extend) a language's highlights.scm with the one
; found first in the runtime path, so these patterns go into a copy of Helix's
; own runtime/queries/markdown.inline/highlights.scm: at the end for Helix
; 25.07 and later (the later pattern on a node wins), at the top before that
; (see editors/helix/README.md).

((strong_emphasis) @keyword.control
  (#any-of? @keyword.control
    "**MUST**" "**MUST NOT**" "**SHALL**" "**SHALL NOT**" "**SHOULD**" "**SHOULD NOT**"
    "**MAY**" "**REQUIRED**" "**RECOMMENDED**" "**OPTIONAL**"
    "__MUST__" "__MUST NOT__" "__SHALL__" "__SHALL NOT__" "__SHOULD__" "__SHOULD NOT__"
    "__MAY__" "__REQUIRED__" "__RECOMMENDED__" "__OPTIONAL__"))

((strong_emphasis) @keyword
  (#any-of? @keyword
    "**GIVEN**" "**WHEN**" "**THEN**" "**AND**" "**BUT**"
    "**Given**" "**When**" "**Then**" "**And**" "**But**"
    "__GIVEN__" "__WHEN__" "__THEN__" "__AND__" "__BUT__"))
