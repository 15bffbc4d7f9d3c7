; corpus/equivalent/x86_64-write_cr4.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x225 (bvsub RSP (_ bv8 64))))
(let ((?x231 (bvadd ?x225 (_ bv8 64))))
(let (($x308 (and (distinct ?x231 RSP) true)))
(let (($x751 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1019 (= VM (_ bv0 1))))
(let (($x669 (= DF (_ bv0 1))))
(and $x669 $x1019 (or $x751 $x308)))))))))
(check-sat)
