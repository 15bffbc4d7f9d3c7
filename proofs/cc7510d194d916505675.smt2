; corpus/equivalent/i386-save_fl-pushf-pop.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x63 (bvsub ESP (_ bv4 32))))
(let ((?x196 (bvadd ?x63 (_ bv4 32))))
(let ((?x16 (bvsub ?x63 (_ bv4 32))))
(let ((?x29 (bvadd ?x16 (_ bv4 32))))
(let ((?x167 (bvadd ?x29 (_ bv4 32))))
(let (($x194 (and (distinct ?x167 ?x196) true)))
(let (($x81 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x180 (= VM (_ bv0 1))))
(let (($x121 (= DF (_ bv0 1))))
(and $x121 $x180 (or $x81 $x194))))))))))))
(check-sat)
