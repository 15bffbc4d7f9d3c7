; corpus/equivalent/i386-restore_fl-push-popf.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x68 (bvsub ESP (_ bv4 32))))
(let ((?x101 (bvadd ?x68 (_ bv4 32))))
(let ((?x29 (bvsub ?x68 (_ bv4 32))))
(let ((?x83 (bvadd ?x29 (_ bv4 32))))
(let ((?x95 (bvadd ?x83 (_ bv4 32))))
(let (($x22 (and (distinct ?x95 ?x101) true)))
(let (($x46 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x76 (= VM (_ bv0 1))))
(let (($x110 (= DF (_ bv0 1))))
(and $x110 $x76 (or $x46 $x22))))))))))))
(check-sat)
