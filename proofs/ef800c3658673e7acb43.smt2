; corpus/equivalent/i386-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x8 (bvsub ESP (_ bv4 32))))
(let ((?x59 (bvadd ?x8 (_ bv4 32))))
(let (($x20 (and (distinct ?x59 ESP) true)))
(let (($x30 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x37 (= VM (_ bv0 1))))
(let (($x42 (= DF (_ bv0 1))))
(and $x42 $x37 (or $x30 $x20)))))))))
(check-sat)
