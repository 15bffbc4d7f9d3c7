; corpus/not-equivalent/i386-struct8-return-edx.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun EDX () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x1274 (bvsub ESP (_ bv4 32))))
(let ((?x5177 (bvadd ?x1274 (_ bv4 32))))
(let (($x2013 (and (distinct ?x5177 ESP) true)))
(let ((?x1413 (concat ((_ extract 15 8) EDX) ((_ extract 7 0) EDX))))
(let ((?x5171 (concat ((_ extract 15 8) (_ bv2 32)) ((_ extract 7 0) (_ bv2 32)))))
(let (($x658 (and (distinct ?x5171 ?x1413) true)))
(let (($x3984 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x1295 (= VM (_ bv0 1))))
(let (($x949 (= DF (_ bv0 1))))
(and $x949 $x1295 (or $x3984 $x658 $x2013))))))))))))
(check-sat)
