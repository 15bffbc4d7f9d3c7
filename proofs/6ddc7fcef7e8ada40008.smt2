; corpus/equivalent/x86_64-read_cr2.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x77 (bvsub RSP (_ bv8 64))))
(let ((?x64 (bvadd ?x77 (_ bv8 64))))
(let (($x297 (and (distinct ?x64 RSP) true)))
(let (($x204 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x290 (= VM (_ bv0 1))))
(let (($x143 (= DF (_ bv0 1))))
(and $x143 $x290 (or $x204 $x297)))))))))
(check-sat)
