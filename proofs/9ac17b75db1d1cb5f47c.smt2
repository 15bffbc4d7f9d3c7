; corpus/history/2.6.20-i386/2.6.20-i386-irq_enable_sysexit.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(assert
 false)
(check-sat)
