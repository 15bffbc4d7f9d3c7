; corpus/not-equivalent/i386-struct-return-field.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x895 (bvsub ESP (_ bv4 32))))
(let ((?x902 (bvadd ?x895 (_ bv4 32))))
(let (($x3982 (and (distinct ?x902 ESP) true)))
(let ((?x881 (concat (concat ((_ extract 23 16) (_ bv1258582 32)) ((_ extract 15 8) (_ bv1258582 32))) ((_ extract 7 0) (_ bv1258582 32)))))
(let ((?x276 (concat (concat ((_ extract 23 16) (_ bv1193046 32)) ((_ extract 15 8) (_ bv1193046 32))) ((_ extract 7 0) (_ bv1193046 32)))))
(let (($x1148 (and (distinct ?x276 ?x881) true)))
(let (($x949 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x1643 (= VM (_ bv0 1))))
(let (($x5177 (= DF (_ bv0 1))))
(and $x5177 $x1643 (or $x949 $x1148 $x3982))))))))))))
(check-sat)
