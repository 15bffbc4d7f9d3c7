; corpus/equivalent/i386-struct-return-padding.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x30 (bvsub ESP (_ bv4 32))))
(let ((?x168 (bvadd ?x30 (_ bv4 32))))
(let (($x83 (and (distinct ?x168 ESP) true)))
(let ((?x141 (concat (concat ((_ extract 23 16) (_ bv4279383126 32)) ((_ extract 15 8) (_ bv4279383126 32))) ((_ extract 7 0) (_ bv4279383126 32)))))
(let ((?x59 (concat (concat ((_ extract 23 16) (_ bv1193046 32)) ((_ extract 15 8) (_ bv1193046 32))) ((_ extract 7 0) (_ bv1193046 32)))))
(let (($x81 (and (distinct ?x59 ?x141) true)))
(let (($x166 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x162 (= VM (_ bv0 1))))
(let (($x105 (= DF (_ bv0 1))))
(and $x105 $x162 (or $x166 $x81 $x83))))))))))))
(check-sat)
