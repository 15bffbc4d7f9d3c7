; corpus/equivalent/x86_64-spin-both.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(assert
 false)
(check-sat)
