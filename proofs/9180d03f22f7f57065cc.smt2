; corpus/not-equivalent/x86_64-write_cr3-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun CR3 () (_ BitVec 64))
(declare-fun RDI () (_ BitVec 64))
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let (($x4399 (and (distinct RDI CR3) true)))
(let ((?x4489 (bvsub RSP (_ bv8 64))))
(let ((?x625 (bvadd ?x4489 (_ bv8 64))))
(let (($x130 (and (distinct ?x625 RSP) true)))
(let (($x1046 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x310 (= VM (_ bv0 1))))
(let (($x3284 (= DF (_ bv0 1))))
(and $x3284 $x310 (or $x1046 true $x130 $x4399))))))))))
(check-sat)
