; corpus/equivalent/i386-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x24 (bvsub ESP (_ bv4 32))))
(let ((?x14 (bvadd ?x24 (_ bv4 32))))
(let (($x20 (and (distinct ?x14 ESP) true)))
(let (($x110 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x29 (= VM (_ bv0 1))))
(let (($x101 (= DF (_ bv0 1))))
(and $x101 $x29 (or $x110 $x20)))))))))
(check-sat)
