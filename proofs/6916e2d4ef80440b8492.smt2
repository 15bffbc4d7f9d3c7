; corpus/not-equivalent/x86_64-halt-dropped.toml: not-equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x184 (bvsub RSP (_ bv8 64))))
(let ((?x1091 (bvadd ?x184 (_ bv8 64))))
(let (($x1136 (and (distinct ?x1091 RSP) true)))
(let (($x1003 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x1413 (= VM (_ bv0 1))))
(let (($x931 (= DF (_ bv0 1))))
(and $x931 $x1413 (or $x1003 true $x1136)))))))))
(check-sat)
