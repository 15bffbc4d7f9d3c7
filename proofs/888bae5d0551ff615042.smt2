; corpus/history/2.6.24-5.12-x86/x86_64-iretq.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(assert
 false)
(check-sat)
