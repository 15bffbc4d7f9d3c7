; corpus/equivalent/x86_64-swapgs.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x170 (bvsub RSP (_ bv8 64))))
(let ((?x244 (bvadd ?x170 (_ bv8 64))))
(let (($x571 (and (distinct ?x244 RSP) true)))
(let (($x323 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x633 (= VM (_ bv0 1))))
(let (($x310 (= DF (_ bv0 1))))
(and $x310 $x633 (or $x323 $x571)))))))))
(check-sat)
