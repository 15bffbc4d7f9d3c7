; corpus/equivalent/x86_64-stac.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x19 (bvsub RSP (_ bv8 64))))
(let ((?x310 (bvadd ?x19 (_ bv8 64))))
(let (($x525 (and (distinct ?x310 RSP) true)))
(let (($x216 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x580 (= VM (_ bv0 1))))
(let (($x996 (= DF (_ bv0 1))))
(and $x996 $x580 (or $x216 $x525)))))))))
(check-sat)
