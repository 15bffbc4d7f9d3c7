; corpus/not-equivalent/x86_64-replacement-too-long.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(check-sat)
