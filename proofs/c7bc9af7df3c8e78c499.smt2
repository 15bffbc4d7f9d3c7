; corpus/equivalent/x86_64-mov64-via-thunk.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x34 (bvsub RSP (_ bv8 64))))
(let ((?x17 (bvadd ?x34 (_ bv8 64))))
(let (($x71 (and (distinct ?x17 RSP) true)))
(let (($x270 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x64 (= VM (_ bv0 1))))
(let (($x158 (= DF (_ bv0 1))))
(and $x158 $x64 (or $x270 $x71)))))))))
(check-sat)
