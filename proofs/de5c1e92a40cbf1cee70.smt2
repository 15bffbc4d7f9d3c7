; corpus/equivalent/i386-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x51 (bvsub ESP (_ bv4 32))))
(let ((?x50 (bvadd ?x51 (_ bv4 32))))
(let (($x7 (and (distinct ?x50 ESP) true)))
(let (($x158 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x186 (= VM (_ bv0 1))))
(let (($x82 (= DF (_ bv0 1))))
(and $x82 $x186 (or $x158 $x7)))))))))
(check-sat)
