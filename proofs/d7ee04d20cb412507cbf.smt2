; corpus/equivalent/i386-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x75 (bvsub ESP (_ bv4 32))))
(let ((?x79 (bvadd ?x75 (_ bv4 32))))
(let (($x12 (and (distinct ?x79 ESP) true)))
(let (($x54 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x22 (= VM (_ bv0 1))))
(let (($x87 (= DF (_ bv0 1))))
(and $x87 $x22 (or $x54 $x12)))))))))
(check-sat)
