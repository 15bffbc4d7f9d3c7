; corpus/not-equivalent/i386-write_cr3-from-edx.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun EDX () (_ BitVec 32))
(declare-fun EAX () (_ BitVec 32))
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let (($x29 (and (distinct EAX EDX) true)))
(let ((?x1114 (bvsub ESP (_ bv4 32))))
(let ((?x1089 (bvadd ?x1114 (_ bv4 32))))
(let (($x1473 (and (distinct ?x1089 ESP) true)))
(let (($x1470 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x438 (= VM (_ bv0 1))))
(let (($x79 (= DF (_ bv0 1))))
(and $x79 $x438 (or $x1470 $x29 $x1473 $x29))))))))))
(check-sat)
