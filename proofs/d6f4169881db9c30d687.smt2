; corpus/equivalent/x86_64-safe_halt.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x76 (bvsub RSP (_ bv8 64))))
(let ((?x809 (bvadd ?x76 (_ bv8 64))))
(let (($x139 (and (distinct ?x809 RSP) true)))
(let (($x19 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x132 (= VM (_ bv0 1))))
(let (($x633 (= DF (_ bv0 1))))
(and $x633 $x132 (or $x19 $x139)))))))))
(check-sat)
