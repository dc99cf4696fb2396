;; extends

; OpenSpec keywords written in bold: RFC 2119 keywords (`**SHALL NOT**`) and
; Given/When/Then step keywords (`- **WHEN** …`). Plain-text keywords are not
; nodes of the markdown_inline tree, so they cannot be captured here; the
; plugin marks them with a match instead (see grammars/README.md).

((strong_emphasis) @keyword.rfc2119
  (#any-of? @keyword.rfc2119
    "**MUST**" "**MUST NOT**" "**SHALL**" "**SHALL NOT**" "**SHOULD**" "**SHOULD NOT**"
    "**MAY**" "**REQUIRED**" "**RECOMMENDED**" "**OPTIONAL**"
    "__MUST__" "__MUST NOT__" "__SHALL__" "__SHALL NOT__" "__SHOULD__" "__SHOULD NOT__"
    "__MAY__" "__REQUIRED__" "__RECOMMENDED__" "__OPTIONAL__")
  (#set! priority 110))

((strong_emphasis) @keyword.step
  (#any-of? @keyword.step
    "**GIVEN**" "**WHEN**" "**THEN**" "**AND**" "**BUT**"
    "**Given**" "**When**" "**Then**" "**And**" "**But**"
    "__GIVEN__" "__WHEN__" "__THEN__" "__AND__" "__BUT__")
  (#set! priority 110))
