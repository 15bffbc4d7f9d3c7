; corpus/equivalent/i386-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x128 (bvsub ESP (_ bv4 32))))
(let ((?x12 (bvadd ?x128 (_ bv4 32))))
(let (($x146 (and (distinct ?x12 ESP) true)))
(let (($x207 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x125 (= VM (_ bv0 1))))
(let (($x50 (= DF (_ bv0 1))))
(and $x50 $x125 (or $x207 $x146)))))))))
(check-sat)
